package dev.idmint.id;

/**
 * Writes IDs, numbers and JSON string contents as bytes into an array, allocating nothing: for the
 * node's and the service's wire formats, which put millions of IDs a second on the wire. Each
 * method returns the position after what it wrote; the caller makes room ({@link #MAX_DIGITS}, or
 * {@link #maxJsonBytes}).
 */
public final class IdText {
  /** The most digits a non-negative long has. */
  public static final int MAX_DIGITS = 19;

  private static final byte[] TENS = new byte[100];
  private static final byte[] ONES = new byte[100];
  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  static {
    for (int k = 0; k < 100; k++) {
      TENS[k] = (byte) ('0' + k / 10);
      ONES[k] = (byte) ('0' + k % 10);
    }
  }

  private IdText() {}

  /** How many digits {@code v} (at least 0) has. */
  public static int digits(long v) {
    long bound = 10;
    for (int n = 1; n < MAX_DIGITS; n++, bound *= 10) {
      if (v < bound) {
        return n;
      }
    }
    return MAX_DIGITS;
  }

  /** Writes {@code v} (at least 0) in decimal at {@code at}. */
  public static int decimal(long v, byte[] dst, int at) {
    int end = at + digits(v);
    int p = end;
    // Two digits per division, and int division once the value fits: both matter under C1.
    while (v > Integer.MAX_VALUE) {
      long q = v / 100;
      int r = (int) (v - q * 100);
      dst[--p] = ONES[r];
      dst[--p] = TENS[r];
      v = q;
    }
    int x = (int) v;
    while (x >= 100) {
      int q = x / 100;
      int r = x - q * 100;
      dst[--p] = ONES[r];
      dst[--p] = TENS[r];
      x = q;
    }
    if (x >= 10) {
      dst[--p] = ONES[x];
      dst[--p] = TENS[x];
    } else {
      dst[--p] = (byte) ('0' + x);
    }
    return end;
  }

  /**
   * Writes the ID that {@link IdGenerator#nextLong()} numbered {@code v}: {@code <node>-<n>} for
   * counters, the number for snowflakes, {@code <pt>_<lc>_<node>} for HLC. {@code node} is the node
   * id as the format wants it (UTF-8, or a JSON string's escaped contents); snowflakes ignore it.
   */
  public static int id(Scheme scheme, long v, byte[] node, byte[] dst, int at) {
    switch (scheme) {
      case SNOWFLAKE -> {
        return decimal(v, dst, at);
      }
      case COUNTER -> {
        System.arraycopy(node, 0, dst, at, node.length);
        at += node.length;
        dst[at++] = '-';
        return decimal(v, dst, at);
      }
      default -> {
        at = decimal(v >>> HlcId.LC_BITS, dst, at);
        dst[at++] = '_';
        at = decimal(v & HlcId.MAX_LC, dst, at);
        dst[at++] = '_';
        System.arraycopy(node, 0, dst, at, node.length);
        return at + node.length;
      }
    }
  }

  /** The most bytes {@link #id} writes for {@code node}. */
  public static int maxIdBytes(byte[] node) {
    return node.length + 2 + 2 * MAX_DIGITS;
  }

  /** The most bytes {@link #jsonChars} writes for {@code s}. */
  public static int maxJsonBytes(CharSequence s) {
    return 6 * s.length();
  }

  /**
   * Writes {@code s} as the contents of a JSON string, in UTF-8: {@code "} and {@code \} escaped,
   * control characters as {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f} or {@code
   * \\uXXXX}, and a lone surrogate, which has no UTF-8 form, as {@code \\uXXXX}, which keeps it
   * exact.
   */
  public static int jsonChars(CharSequence s, byte[] dst, int at) {
    int n = s.length();
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c >= 0x20 && c < 0x80) {
        if (c == '"' || c == '\\') {
          dst[at++] = '\\';
        }
        dst[at++] = (byte) c;
      } else if (c < 0x20) {
        at = escape(c, dst, at);
      } else if (c < 0x800) {
        dst[at++] = (byte) (0xc0 | c >> 6);
        dst[at++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c)
          && k + 1 < n
          && Character.isLowSurrogate(s.charAt(k + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++k));
        dst[at++] = (byte) (0xf0 | cp >> 18);
        dst[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
        dst[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
        dst[at++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        at = escape(c, dst, at);
      } else {
        dst[at++] = (byte) (0xe0 | c >> 12);
        dst[at++] = (byte) (0x80 | c >> 6 & 0x3f);
        dst[at++] = (byte) (0x80 | c & 0x3f);
      }
    }
    return at;
  }

  private static int escape(char c, byte[] dst, int at) {
    dst[at++] = '\\';
    switch (c) {
      case '\n' -> dst[at++] = 'n';
      case '\r' -> dst[at++] = 'r';
      case '\t' -> dst[at++] = 't';
      case '\b' -> dst[at++] = 'b';
      case '\f' -> dst[at++] = 'f';
      default -> {
        dst[at++] = 'u';
        for (int shift = 12; shift >= 0; shift -= 4) {
          dst[at++] = HEX[c >> shift & 0xf];
        }
      }
    }
    return at;
  }
}
