package dev.idmint.harness.maelstrom;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.idmint.harness.json.Json;
import java.io.IOException;

/**
 * One line a node printed, read in a single streaming pass: the envelope checked against
 * Maelstrom's Message schema ({@code src}, {@code dest}, {@code body}, optional integer {@code id},
 * nothing else), the body's reply fields picked out, and the body's exact bytes kept for
 * forwarding. Nothing else is built, so checking a reply allocates little.
 *
 * @param bodyStart offset of the body object's first byte in the line's array
 * @param bodyEnd offset just past the body object
 */
record Envelope(String src, String dest, int bodyStart, int bodyEnd, Reply body) {

  /**
   * The fields of a body a client looks at.
   *
   * @param type the body's type if it is a string, else null
   * @param inReplyTo the in_reply_to value, or null if absent
   * @param msgId the msg_id value, or null if absent
   * @param id the id value (any JSON), or null if absent
   * @param code the code value, or null if absent
   * @param text the text value, or null if absent
   * @param extraKey the first key outside generate_ok's schema, or null
   */
  record Reply(
      String type,
      Object inReplyTo,
      Object msgId,
      Object id,
      Object code,
      Object text,
      String extraKey) {}

  /** A line that is JSON but not a message, with what is wrong in Maelstrom's terms. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /**
   * Reads the line {@code b[off, off+len)}.
   *
   * @throws Json.ParseException if it is not exactly one JSON value
   * @throws Malformed if it is JSON but not a message
   */
  static Envelope parse(byte[] b, int off, int len) throws Json.ParseException, Malformed {
    try (JsonParser p = Json.FACTORY.createParser(b, off, len)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new Json.ParseException("empty line");
      }
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        expectEnd(p);
        throw new Malformed("printed JSON that is not a message object");
      }
      Fields f = new Fields();
      String key;
      while ((key = p.nextFieldName()) != null) {
        f.read(p, key, p.nextToken(), off);
      }
      expectEnd(p);
      String problem = f.problem();
      if (problem != null) {
        throw new Malformed("printed a malformed message: " + problem);
      }
      return new Envelope(f.src, f.dest, f.bodyStart, f.bodyEnd, f.body);
    } catch (IOException e) {
      throw new Json.ParseException(Json.shortMessage(e));
    }
  }

  /** The top-level fields of a message as they are read, and the first thing wrong with them. */
  private static final class Fields {
    String src;
    String dest;
    Reply body;
    int bodyStart = -1;
    int bodyEnd = -1;
    boolean srcSeen;
    boolean destSeen;
    String problem;

    /** Reads the value of {@code key}, the parser on its first token {@code v}. */
    void read(JsonParser p, String key, JsonToken v, int off) throws IOException {
      switch (key) {
        case "src" -> {
          srcSeen = true;
          src = v == JsonToken.VALUE_STRING ? p.getText() : null;
          p.skipChildren();
        }
        case "dest" -> {
          destSeen = true;
          dest = v == JsonToken.VALUE_STRING ? p.getText() : null;
          p.skipChildren();
        }
        case "body" -> {
          if (v == JsonToken.START_OBJECT) {
            bodyStart = off + (int) p.currentTokenLocation().getByteOffset();
            body = reply(p);
            bodyEnd = off + (int) p.currentLocation().getByteOffset();
          } else {
            body = null;
            note("body is not an object");
            p.skipChildren();
          }
        }
        case "id" -> {
          if (v != JsonToken.VALUE_NUMBER_INT) {
            note("id is not an integer");
          }
          p.skipChildren();
        }
        default -> {
          note(
              "unexpected top-level key \""
                  + key
                  + "\" (a message holds only src, dest, body and id)");
          p.skipChildren();
        }
      }
    }

    private void note(String what) {
      if (problem == null) {
        problem = what;
      }
    }

    /** What is wrong with the message, or null. */
    String problem() {
      if (problem != null) {
        return problem;
      } else if (src == null) {
        return srcSeen ? "src is not a string" : "no src";
      } else if (dest == null) {
        return destSeen ? "dest is not a string" : "no dest";
      } else if (body == null) {
        return "no body";
      }
      return null;
    }
  }

  private static void expectEnd(JsonParser p) throws IOException, Json.ParseException {
    if (p.nextToken() != null) {
      throw new Json.ParseException("more than one JSON value on the line");
    }
  }

  /** Reads a body object, the parser on its START_OBJECT, keeping only what clients look at. */
  private static Reply reply(JsonParser p) throws IOException {
    String type = null;
    Object inReplyTo = null;
    Object msgId = null;
    Object id = null;
    Object code = null;
    Object text = null;
    String extra = null;
    String key;
    while ((key = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (key) {
        case "type" -> {
          type = v == JsonToken.VALUE_STRING ? p.getText() : null;
          p.skipChildren();
        }
        case "in_reply_to" -> inReplyTo = Json.read(p, v);
        case "msg_id" -> msgId = Json.read(p, v);
        case "id" -> id = Json.read(p, v);
        default -> {
          if (extra == null) {
            extra = key;
          }
          switch (key) {
            case "code" -> code = Json.read(p, v);
            case "text" -> text = Json.read(p, v);
            default -> p.skipChildren();
          }
        }
      }
    }
    return new Reply(type, inReplyTo, msgId, id, code, text, extra);
  }
}
