package dev.idmint.serve;

import dev.idmint.id.IdText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The little JSON the service writes (/v1/info, decoded IDs, errors), straight into UTF-8 bytes.
 * Strings go through {@link IdText#jsonChars}, the library's one escaper, so that serve and the
 * node write the same JSON for the same text (a lone surrogate as {@code \\uXXXX}).
 */
final class Json {
  private byte[] buf = new byte[256];
  private int size;

  /** Appends ASCII text as it is: punctuation, field names, numbers already formatted. */
  Json raw(String ascii) {
    room(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      buf[size++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  /** Appends {@code s} as a JSON string, quotes included. */
  Json string(CharSequence s) {
    room(IdText.maxJsonBytes(s) + 2);
    buf[size++] = '"';
    size = IdText.jsonChars(s, buf, size);
    buf[size++] = '"';
    return this;
  }

  /** Appends {@code s} as a JSON string, or {@code null} if it is null. */
  Json stringOrNull(CharSequence s) {
    return s == null ? raw("null") : string(s);
  }

  Json number(long v) {
    if (v < 0) {
      return raw(Long.toString(v));
    }
    room(IdText.MAX_DIGITS);
    size = IdText.decimal(v, buf, size);
    return this;
  }

  /** The bytes so far, and a newline, in a buffer from {@code alloc}. */
  ByteBuf line(ByteBufAllocator alloc) {
    return alloc.buffer(size + 1).writeBytes(buf, 0, size).writeByte('\n');
  }

  /** The bytes so far, and a newline. */
  byte[] line() {
    byte[] out = Arrays.copyOf(buf, size + 1);
    out[size] = '\n';
    return out;
  }

  String text() {
    return new String(buf, 0, size, StandardCharsets.UTF_8);
  }

  private void room(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size + n, 2 * buf.length));
    }
  }

  /** {@code {"error":"..."}}. */
  static Json error(String message) {
    return new Json().raw("{\"error\":").string(message).raw("}");
  }

  /** User input in an error message: at most 64 characters of it. */
  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
