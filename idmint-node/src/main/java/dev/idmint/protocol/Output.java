package dev.idmint.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer that encoded lines accumulate in until the node flushes them. */
public final class Output {
  private byte[] buf = new byte[1 << 16];
  private int len;

  public int size() {
    return len;
  }

  /** Writes everything buffered to {@code out}, flushes it, and empties the buffer. */
  public void drainTo(OutputStream out) throws IOException {
    if (len > 0) {
      out.write(buf, 0, len);
      len = 0;
    }
    out.flush();
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
  }

  void ensure(int extra) {
    if (len + extra > buf.length) {
      grow(extra);
    }
  }

  private void grow(int extra) {
    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
  }

  void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  void byteAt(int c) {
    ensure(1);
    buf[len++] = (byte) c;
  }

  /** Appends an ASCII string as is: integer text that came from JSON. */
  @SuppressWarnings(
      "deprecation") // exactly right for ASCII, and a plain array copy: no charAt per digit
  void ascii(String s) {
    int n = s.length();
    ensure(n);
    s.getBytes(0, n, buf, len);
    len += n;
  }

  void decimal(long v) {
    ensure(20);
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      buf[len++] = '-';
      v = -v;
    }
    int end = len + digits(v);
    int p = end;
    // Two digits per division, and int division once the value fits: both matter under C1.
    while (v > Integer.MAX_VALUE) {
      long q = v / 100;
      int r = (int) (v - q * 100);
      buf[--p] = ONES[r];
      buf[--p] = TENS[r];
      v = q;
    }
    int x = (int) v;
    while (x >= 100) {
      int q = x / 100;
      int r = x - q * 100;
      buf[--p] = ONES[r];
      buf[--p] = TENS[r];
      x = q;
    }
    if (x >= 10) {
      buf[--p] = ONES[x];
      buf[--p] = TENS[x];
    } else {
      buf[--p] = (byte) ('0' + x);
    }
    len = end;
  }

  /**
   * Appends {@code v[0]} to {@code v[n - 1]}, non-negative, comma-separated. A value one above the
   * one before (most of a snowflake batch) is the previous digits with the last one carried up: a
   * short copy instead of ten divisions.
   */
  void decimals(long[] v, int n) {
    if (n == 0) {
      return;
    }
    int start = len;
    decimal(v[0]);
    int digits = len - start;
    for (int k = 1; k < n; k++) {
      ensure(21);
      buf[len++] = ',';
      int at = len;
      if (v[k] == v[k - 1] + 1) {
        System.arraycopy(buf, start, buf, at, digits);
        int p = at + digits - 1;
        while (p >= at && buf[p] == '9') {
          buf[p--] = '0';
        }
        if (p >= at) {
          buf[p]++;
          len = at + digits;
          start = at;
          continue;
        }
      }
      decimal(v[k]); // not consecutive, or a new digit (999 -> 1000)
      start = at;
      digits = len - at;
    }
  }

  private static int digits(long v) {
    long bound = 10;
    for (int n = 1; n < 19; n++, bound *= 10) {
      if (v < bound) {
        return n;
      }
    }
    return 19;
  }

  private static final byte[] TENS = new byte[100];
  private static final byte[] ONES = new byte[100];

  static {
    for (int k = 0; k < 100; k++) {
      TENS[k] = (byte) ('0' + k / 10);
      ONES[k] = (byte) ('0' + k % 10);
    }
  }

  /**
   * Appends {@code s} as a quoted JSON string: UTF-8, with escapes where JSON needs them. The same
   * few strings (node and client ids) recur on every line, so their encodings are cached by
   * identity; the decoder hands out the same String instances for them.
   */
  void string(String s) {
    int slot = s.hashCode() & (CACHE_SIZE - 1);
    byte[] enc = cachedBytes[slot];
    if (cachedStrings[slot] != s) {
      int start = len;
      byteAt('"');
      chars(s);
      byteAt('"');
      enc = Arrays.copyOfRange(buf, start, len);
      cachedStrings[slot] = s;
      cachedBytes[slot] = enc;
      return;
    }
    raw(enc);
  }

  private static final int CACHE_SIZE = 64; // a power of two
  private final String[] cachedStrings = new String[CACHE_SIZE];
  private final byte[][] cachedBytes = new byte[CACHE_SIZE][];

  /** Appends {@code s} as a quoted JSON string, for text that does not recur (no caching). */
  void text(String s) {
    byteAt('"');
    chars(s);
    byteAt('"');
  }

  private String encodedString;
  private byte[] encodedBytes;

  /** The inside of {@code s} as a JSON string, in UTF-8: for one string written many times. */
  byte[] encoded(String s) {
    if (s != encodedString) {
      int start = len;
      chars(s);
      encodedBytes = Arrays.copyOfRange(buf, start, len);
      encodedString = s;
      len = start;
    }
    return encodedBytes;
  }

  /** Appends the inside of a JSON string. */
  void chars(String s) {
    int n = s.length();
    ensure(n * 6);
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c >= 0x20 && c < 0x80) {
        if (c == '"' || c == '\\') {
          buf[len++] = '\\';
        }
        buf[len++] = (byte) c;
      } else if (c < 0x20) {
        escape(c);
      } else if (c < 0x800) {
        buf[len++] = (byte) (0xc0 | c >> 6);
        buf[len++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c)
          && k + 1 < n
          && Character.isLowSurrogate(s.charAt(k + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++k));
        buf[len++] = (byte) (0xf0 | cp >> 18);
        buf[len++] = (byte) (0x80 | cp >> 12 & 0x3f);
        buf[len++] = (byte) (0x80 | cp >> 6 & 0x3f);
        buf[len++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        escape(c); // a lone surrogate has no UTF-8 form; \\uXXXX keeps it exact
      } else {
        buf[len++] = (byte) (0xe0 | c >> 12);
        buf[len++] = (byte) (0x80 | c >> 6 & 0x3f);
        buf[len++] = (byte) (0x80 | c & 0x3f);
      }
    }
  }

  private void escape(char c) {
    buf[len++] = '\\';
    switch (c) {
      case '\n' -> buf[len++] = 'n';
      case '\r' -> buf[len++] = 'r';
      case '\t' -> buf[len++] = 't';
      case '\b' -> buf[len++] = 'b';
      case '\f' -> buf[len++] = 'f';
      default -> {
        buf[len++] = 'u';
        for (int shift = 12; shift >= 0; shift -= 4) {
          buf[len++] = (byte) "0123456789abcdef".charAt(c >> shift & 0xf);
        }
      }
    }
  }
}
