package dev.idmint.protocol;

import dev.idmint.id.IdText;
import dev.idmint.id.Scheme;
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
    len = IdText.decimal(v, buf, len);
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

  /** Appends the ID numbered {@code v}, with the node's JSON-encoded {@code node}, unquoted. */
  void id(Scheme scheme, long v, byte[] node) {
    ensure(IdText.maxIdBytes(node));
    len = IdText.id(scheme, v, node, buf, len);
  }

  /** Appends the inside of a JSON string. */
  void chars(String s) {
    ensure(IdText.maxJsonBytes(s));
    len = IdText.jsonChars(s, buf, len);
  }
}
