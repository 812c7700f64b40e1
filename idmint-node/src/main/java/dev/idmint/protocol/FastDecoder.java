package dev.idmint.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level decoder for the shapes Maelstrom actually sends: known keys in any order, printable
 * ASCII strings without escapes, plain integers, JSON whitespace. It reads every request type's
 * fields but {@code ids} (verify_ids is not hot; its arrays go to jackson-core). It never rejects a
 * line: on anything else (escapes, non-ASCII, unknown or duplicate keys, other value types, bad
 * syntax) it gives up and the line goes to {@link JacksonDecoder}. When it does accept a line,
 * jackson-core decodes it to the same {@link Fields}; the equivalence and fuzz tests hold it to
 * that.
 *
 * <p>Written for C1, the node's only compiler: the cursor lives in locals, each helper returns the
 * next position or -1 to give up, and repeated strings (client and node ids, types) come from a
 * small cache instead of being copied again.
 */
final class FastDecoder {
  private static final int SRC = 1;
  private static final int DEST = 2;
  private static final int BODY = 4;
  private static final int ID = 8;
  private static final int TYPE = 1;
  private static final int MSG_ID = 2;
  private static final int NODE_ID = 4;
  private static final int NODE_IDS = 8;
  private static final int COUNT = 16;
  private static final int BODY_ID = 32;
  private static final int OFFSET_MS = 64;
  private static final int REMOTE_PT = 128;
  private static final int REMOTE_LC = 256;

  /** Longer integers go to jackson-core, which knows its own limits. */
  private static final int MAX_DIGITS = 18;

  private static final int CACHE_SIZE = 64; // a power of two
  private static final byte[] MSG_ID_KEY = "msg_id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NODE_ID_KEY = "node_id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NODE_IDS_KEY = "node_ids".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COUNT_KEY = "count".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OFFSET_MS_KEY = "offset_ms".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REMOTE_PT_KEY = "remote_pt".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REMOTE_LC_KEY = "remote_lc".getBytes(StandardCharsets.US_ASCII);

  private final String[] cache = new String[CACHE_SIZE];
  private final byte[][] cacheBytes = new byte[CACHE_SIZE][]; // compared without String.charAt

  /** The last string or integer text read. */
  private String value;

  /** Fills {@code f} and returns true, or returns false to hand the line to jackson-core. */
  boolean decode(byte[] b, int off, int len, Fields f) {
    int end = off + len;
    f.clear();
    int i = ws(b, off, end);
    if (i >= end || b[i] != '{') {
      return false;
    }
    int seen = 0;
    while (true) {
      i = ws(b, i + 1, end);
      int keyStart = i + 1;
      i = key(b, i, end);
      if (i < 0) {
        return false;
      }
      int field = topKey(b, keyStart, i - keyStart - 1);
      if (field == 0 || (seen & field) != 0) {
        return false;
      }
      seen |= field;
      i = colon(b, i, end);
      if (i < 0) {
        return false;
      }
      switch (field) {
        case SRC -> {
          i = string(b, i, end);
          f.src = value;
        }
        case DEST -> {
          i = string(b, i, end);
          f.dest = value;
        }
        case BODY -> {
          i = body(b, i, end, f);
          f.body = true;
        }
        default -> i = integer(b, i, end, false); // the id Maelstrom's network adds; unused
      }
      if (i < 0) {
        return false;
      }
      i = ws(b, i, end);
      if (i >= end) {
        return false;
      }
      if (b[i] == '}') {
        return ws(b, i + 1, end) == end;
      }
      if (b[i] != ',') {
        return false;
      }
    }
  }

  private int body(byte[] b, int i, int end, Fields f) {
    if (i >= end || b[i] != '{') {
      return -1;
    }
    i = ws(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    int seen = 0;
    while (true) {
      int keyStart = i + 1;
      i = key(b, i, end);
      if (i < 0) {
        return -1;
      }
      int field = bodyKey(b, keyStart, i - keyStart - 1);
      if (field == 0 || (seen & field) != 0) {
        return -1;
      }
      seen |= field;
      i = colon(b, i, end);
      if (i < 0) {
        return -1;
      }
      switch (field) {
        case TYPE -> {
          i = string(b, i, end);
          f.type = value;
        }
        case MSG_ID -> {
          i = integer(b, i, end, true);
          f.msgId = value;
        }
        default -> i = rareField(b, i, end, f, field);
      }
      if (i < 0) {
        return -1;
      }
      i = ws(b, i, end);
      if (i >= end) {
        return -1;
      }
      if (b[i] == '}') {
        return i + 1;
      }
      if (b[i] != ',') {
        return -1;
      }
      i = ws(b, i + 1, end);
    }
  }

  /**
   * The fields other than type and msg_id, out of {@link #body}: C1 compiles what a generate line
   * runs through, and a smaller method compiles sooner and cheaper.
   */
  private int rareField(byte[] b, int i, int end, Fields f, int field) {
    switch (field) {
      case NODE_ID -> {
        i = string(b, i, end);
        f.nodeId = value;
      }
      case NODE_IDS -> {
        List<String> ids = new ArrayList<>();
        i = strings(b, i, end, ids);
        f.nodeIds = ids;
      }
      case COUNT -> {
        i = integer(b, i, end, true);
        f.count = value;
      }
      case OFFSET_MS -> {
        i = integer(b, i, end, true);
        f.offsetMs = value;
      }
      case REMOTE_PT -> {
        i = integer(b, i, end, true);
        f.remotePt = value;
      }
      case REMOTE_LC -> {
        i = integer(b, i, end, true);
        f.remoteLc = value;
      }
      default -> { // the body's id: a plain string or an integer; anything else goes to jackson
        boolean text = i < end && b[i] == '"';
        i = text ? string(b, i, end) : integer(b, i, end, true);
        f.id = text ? IdValue.string(value) : IdValue.number(value);
      }
    }
    return i;
  }

  private static int topKey(byte[] b, int s, int n) {
    return switch (n) {
      case 2 -> b[s] == 'i' && b[s + 1] == 'd' ? ID : 0;
      case 3 -> b[s] == 's' && b[s + 1] == 'r' && b[s + 2] == 'c' ? SRC : 0;
      case 4 ->
          b[s] == 'd' && b[s + 1] == 'e' && b[s + 2] == 's' && b[s + 3] == 't'
              ? DEST
              : b[s] == 'b' && b[s + 1] == 'o' && b[s + 2] == 'd' && b[s + 3] == 'y' ? BODY : 0;
      default -> 0;
    };
  }

  private static int bodyKey(byte[] b, int s, int n) {
    return switch (n) {
      case 2 -> b[s] == 'i' && b[s + 1] == 'd' ? BODY_ID : 0;
      case 4 -> b[s] == 't' && b[s + 1] == 'y' && b[s + 2] == 'p' && b[s + 3] == 'e' ? TYPE : 0;
      case 5 -> matches(b, s, COUNT_KEY) ? COUNT : 0;
      case 6 -> matches(b, s, MSG_ID_KEY) ? MSG_ID : 0;
      case 7 -> matches(b, s, NODE_ID_KEY) ? NODE_ID : 0;
      case 8 -> matches(b, s, NODE_IDS_KEY) ? NODE_IDS : 0;
      case 9 ->
          matches(b, s, OFFSET_MS_KEY)
              ? OFFSET_MS
              : matches(b, s, REMOTE_PT_KEY)
                  ? REMOTE_PT
                  : matches(b, s, REMOTE_LC_KEY) ? REMOTE_LC : 0;
      default -> 0;
    };
  }

  private static boolean matches(byte[] b, int s, byte[] name) {
    for (int k = 0; k < name.length; k++) {
      if (b[s + k] != name[k]) {
        return false;
      }
    }
    return true;
  }

  /** Skips a key of printable ASCII without escapes; returns the position after its quote. */
  private static int key(byte[] b, int i, int end) {
    if (i >= end || b[i] != '"') {
      return -1;
    }
    for (i++; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return -1;
      }
    }
    return -1;
  }

  private static int colon(byte[] b, int i, int end) {
    i = ws(b, i, end);
    return i < end && b[i] == ':' ? ws(b, i + 1, end) : -1;
  }

  /** Reads a string of printable ASCII without escapes into {@link #value}. */
  private int string(byte[] b, int i, int end) {
    if (i >= end || b[i] != '"') {
      return -1;
    }
    int start = ++i;
    int hash = 0;
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        value = cached(b, start, i - start, hash);
        return i + 1;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') { // control, non-ASCII (negative) or escape
        return -1;
      }
      hash = 31 * hash + c;
    }
    return -1;
  }

  /** The string for these bytes: the cached one if it matches, else a new one that replaces it. */
  private String cached(byte[] b, int off, int n, int hash) {
    int slot = (hash ^ hash >>> 16) & (CACHE_SIZE - 1);
    byte[] c = cacheBytes[slot];
    if (c != null && c.length == n) {
      int k = 0;
      while (k < n && c[k] == b[off + k]) {
        k++;
      }
      if (k == n) {
        return cache[slot];
      }
    }
    String s = new String(b, off, n, StandardCharsets.ISO_8859_1);
    cacheBytes[slot] = java.util.Arrays.copyOfRange(b, off, off + n);
    cache[slot] = s;
    return s;
  }

  /**
   * Skips a JSON integer, keeping its exact text in {@link #value} if {@code keep}; -1 for any
   * other value.
   */
  private int integer(byte[] b, int i, int end, boolean keep) {
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
      return -1;
    }
    if (i < end) {
      byte c = b[i];
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E') { // a leading zero or a float
        return -1;
      }
    }
    if (keep) {
      value = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
    }
    return i;
  }

  private int strings(byte[] b, int i, int end, List<String> out) {
    if (i >= end || b[i] != '[') {
      return -1;
    }
    i = ws(b, i + 1, end);
    if (i < end && b[i] == ']') {
      return i + 1;
    }
    while (true) {
      i = string(b, i, end);
      if (i < 0) {
        return -1;
      }
      out.add(value);
      i = ws(b, i, end);
      if (i >= end) {
        return -1;
      }
      if (b[i] == ']') {
        return i + 1;
      }
      if (b[i] != ',') {
        return -1;
      }
      i = ws(b, i + 1, end);
    }
  }

  private static int ws(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c > ' ' || (c != ' ' && c != '\t' && c != '\r' && c != '\n')) {
        return i;
      }
      i++;
    }
    return i;
  }
}
