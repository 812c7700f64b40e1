package dev.idmint.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The general decoder: any JSON, unknown fields anywhere, escapes, any UTF-8. */
final class JacksonDecoder {
  /** Jackson's placeholder for the source it does not show; it only adds noise to the log. */
  private static final Pattern REDACTED = Pattern.compile("Source: REDACTED \\([^)]*\\); ");

  // Duplicate keys make a message ambiguous: reject the line rather than guess which one counts.
  private final JsonFactory factory =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  Request decode(byte[] b, int off, int len, Fields f) throws MalformedLineException {
    f.clear();
    try (JsonParser p = factory.createParser(b, off, len)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new MalformedLineException(first == null ? "empty line" : "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "src" -> f.src = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "dest" -> f.dest = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "body" -> {
            f.body = t == JsonToken.START_OBJECT;
            if (f.body) {
              body(p, f);
            }
          }
          default -> {}
        }
        p.skipChildren(); // a no-op unless the value was an object or array we did not read
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new MalformedLineException("truncated JSON object");
      }
      if (p.nextToken() != null) {
        throw new MalformedLineException("more than one JSON value on the line");
      }
    } catch (JsonProcessingException e) {
      throw new MalformedLineException(
          "invalid JSON: " + REDACTED.matcher(e.getOriginalMessage()).replaceAll(""));
    } catch (IOException e) {
      throw new MalformedLineException("invalid JSON: " + e.getMessage());
    }
    return f.toRequest();
  }

  private static void body(JsonParser p, Fields f) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type" -> f.type = t == JsonToken.VALUE_STRING ? p.getText() : Fields.WRONG_TYPE;
        case "msg_id" -> f.msgId = integer(p, t);
        case "node_id" -> f.nodeId = t == JsonToken.VALUE_STRING ? p.getText() : Fields.WRONG_TYPE;
        case "node_ids" -> f.nodeIds = t == JsonToken.START_ARRAY ? strings(p) : Fields.WRONG_TYPE;
        case "count" -> f.count = integer(p, t);
        case "offset_ms" -> f.offsetMs = integer(p, t);
        case "remote_pt" -> f.remotePt = integer(p, t);
        case "remote_lc" -> f.remoteLc = integer(p, t);
        case "id" -> f.id = id(p, t);
        case "ids" -> f.ids = t == JsonToken.START_ARRAY ? ids(p) : Fields.WRONG_TYPE;
        default -> {}
      }
      p.skipChildren();
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new IOException("truncated JSON object");
    }
  }

  /**
   * An integer's exact source text (getText() of an integer token: no precision is lost), else
   * {@link Fields#WRONG_TYPE}.
   */
  private static Object integer(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NUMBER_INT ? p.getText() : Fields.WRONG_TYPE;
  }

  /** A number (its exact text) or a string, else {@link Fields#WRONG_TYPE}. */
  private static Object id(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return IdValue.string(p.getText());
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return IdValue.number(p.getText());
    }
    return Fields.WRONG_TYPE;
  }

  /** Reads an array of IDs; items that are not numbers or strings become WRONG_TYPE. */
  private static List<Object> ids(JsonParser p) throws IOException {
    List<Object> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) {
        throw new IOException("truncated array");
      }
      out.add(id(p, t));
      p.skipChildren();
    }
    return out;
  }

  /** Reads an array of strings, or consumes it and returns {@link Fields#WRONG_TYPE}. */
  private static Object strings(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) {
        throw new IOException("truncated array");
      }
      if (t == JsonToken.VALUE_STRING && out != null) {
        out.add(p.getText());
      } else {
        out = null; // keep consuming to the end of the array
        p.skipChildren();
      }
    }
    return out != null ? out : Fields.WRONG_TYPE;
  }
}
