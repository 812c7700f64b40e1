package dev.idmint.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level decoder for the shapes Maelstrom actually sends: known keys, printable-ASCII strings
 * without escapes, plain integers. It never rejects a line: on anything else (escapes, non-ASCII,
 * unknown or duplicate keys, other value types, bad syntax) it gives up and the line goes to
 * {@link JacksonDecoder}. When it does accept a line, jackson-core would decode it to the same
 * {@link Fields}; the fuzz and differential tests hold it to that.
 */
final class FastDecoder {
  private static final byte[] SRC = key("src");
  private static final byte[] DEST = key("dest");
  private static final byte[] BODY = key("body");
  private static final byte[] ID = key("id");
  private static final byte[] TYPE = key("type");
  private static final byte[] MSG_ID = key("msg_id");
  private static final byte[] NODE_ID = key("node_id");
  private static final byte[] NODE_IDS = key("node_ids");
  /** Longer integers go to jackson-core, which knows its own limits. */
  private static final int MAX_DIGITS = 18;

  private byte[] b;
  private int i;
  private int end;

  /** Fills {@code f} and returns true, or returns false to hand the line to jackson-core. */
  boolean decode(byte[] buf, int off, int len, Fields f) {
    b = buf;
    i = off;
    end = off + len;
    f.clear();
    ws();
    if (!eat('{')) {
      return false;
    }
    int seen = 0;
    do {
      ws();
      int field;
      if (key(SRC)) {
        field = 1;
        f.src = string();
        if (f.src == null) {
          return false;
        }
      } else if (key(DEST)) {
        field = 2;
        f.dest = string();
        if (f.dest == null) {
          return false;
        }
      } else if (key(BODY)) {
        field = 4;
        if (!body(f)) {
          return false;
        }
        f.body = true;
      } else if (key(ID)) {
        field = 8;
        if (integer() == null) {
          return false;
        }
      } else {
        return false;
      }
      if ((seen & field) != 0) {
        return false;
      }
      seen |= field;
      ws();
    } while (eat(','));
    if (!eat('}')) {
      return false;
    }
    ws();
    return i == end;
  }

  private boolean body(Fields f) {
    if (!eat('{')) {
      return false;
    }
    ws();
    if (eat('}')) {
      return true;
    }
    int seen = 0;
    do {
      ws();
      int field;
      if (key(TYPE)) {
        field = 1;
        f.type = string();
        if (f.type == null) {
          return false;
        }
      } else if (key(MSG_ID)) {
        field = 2;
        f.msgId = integer();
        if (f.msgId == null) {
          return false;
        }
      } else if (key(NODE_IDS)) {
        field = 4;
        f.nodeIds = strings();
        if (f.nodeIds == null) {
          return false;
        }
      } else if (key(NODE_ID)) {
        field = 8;
        f.nodeId = string();
        if (f.nodeId == null) {
          return false;
        }
      } else {
        return false;
      }
      if ((seen & field) != 0) {
        return false;
      }
      seen |= field;
      ws();
    } while (eat(','));
    return eat('}');
  }

  /** Matches {@code "name"} then optional whitespace and a colon. */
  private boolean key(byte[] quoted) {
    int n = quoted.length;
    if (end - i < n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != quoted[k]) {
        return false;
      }
    }
    int save = i;
    i += n;
    ws();
    if (eat(':')) {
      ws();
      return true;
    }
    i = save;
    return false;
  }

  /** A string of printable ASCII without escapes, or null. */
  private String string() {
    if (!eat('"')) {
      return null;
    }
    int start = i;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        String s = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        i++;
        return s;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') { // control, non-ASCII (negative) or escape
        return null;
      }
      i++;
    }
    return null;
  }

  /** The exact text of a JSON integer, or null if the value is anything else. */
  private String integer() {
    int start = i;
    if (i < end && b[i] == '-') {
      i++;
    }
    int digits = i;
    if (i < end && b[i] == '0') {
      i++;
    } else {
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
    }
    int n = i - digits;
    if (n == 0 || n > MAX_DIGITS) {
      return null;
    }
    if (i < end) {
      byte c = b[i];
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E') { // leading zero or a float
        return null;
      }
    }
    return new String(b, start, i - start, StandardCharsets.ISO_8859_1);
  }

  private List<String> strings() {
    if (!eat('[')) {
      return null;
    }
    List<String> out = new ArrayList<>();
    ws();
    if (eat(']')) {
      return out;
    }
    do {
      ws();
      String s = string();
      if (s == null) {
        return null;
      }
      out.add(s);
      ws();
    } while (eat(','));
    return eat(']') ? out : null;
  }

  private void ws() {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return;
      }
      i++;
    }
  }

  private boolean eat(char c) {
    if (i < end && b[i] == c) {
      i++;
      return true;
    }
    return false;
  }

  private static byte[] key(String name) {
    return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
  }
}
