package dev.idmint.harness.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.Violation;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.x response as a service sent it, read from the start of a buffer: status, framing
 * (Content-Length, chunked, or until the connection closes) and body.
 *
 * @param length how many bytes of the buffer the response took, informational heads included
 * @param close whether the server closes the connection after it
 * @param instance the {@value #INSTANCE_HEADER} header a balancer added, or null
 */
record HttpResponse(int status, boolean close, byte[] body, String instance, int length) {
  /** The header the harness has HAProxy add, naming the instance that answered. */
  static final String INSTANCE_HEADER = "X-Idmint-Instance";

  static final int MAX_HEAD = 64 << 10;
  static final int MAX_BODY = 1 << 20;

  /** Bytes that are not an HTTP response, with what is wrong. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /**
   * Reads one response from {@code b[0, len)}.
   *
   * @param eof whether the connection has closed after these bytes
   * @return the response, or null if more bytes are needed (at eof: it was cut short)
   * @throws Malformed if the bytes cannot be a response
   */
  static HttpResponse parse(byte[] b, int len, boolean eof) throws Malformed {
    int at = 0;
    while (true) {
      int headEnd = indexOf(b, at, len, "\r\n\r\n");
      if (headEnd < 0) {
        if (len - at > MAX_HEAD) {
          throw new Malformed("sent a response head longer than " + (MAX_HEAD >> 10) + " KiB");
        }
        return null;
      }
      Head h = head(b, at, headEnd);
      int bodyStart = headEnd + 4;
      if (h.status >= 100 && h.status < 200) {
        at = bodyStart; // informational: the real response follows
        continue;
      }
      return body(b, len, eof, h, bodyStart);
    }
  }

  private record Head(
      int status,
      boolean http10,
      long contentLength,
      boolean chunked,
      String connection,
      String instance) {}

  private static Head head(byte[] b, int from, int to) throws Malformed {
    String text = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n", -1);
    String status = lines[0];
    if (status.length() < 12
        || !status.startsWith("HTTP/1.")
        || (status.charAt(7) != '0' && status.charAt(7) != '1')
        || status.charAt(8) != ' '
        || !digits(status, 9, 12)
        || (status.length() > 12 && status.charAt(12) != ' ')) {
      throw new Malformed("sent a status line that is not HTTP/1.x: " + Violation.shorten(status));
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    String connection = null;
    String instance = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || !token(line, colon)) {
        throw new Malformed("sent a malformed header line: " + Violation.shorten(line));
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "content-length" -> {
          if (value.isEmpty() || !digits(value, 0, value.length()) || value.length() > 12) {
            throw new Malformed("sent Content-Length \"" + Violation.shorten(value) + "\"");
          }
          long n = Long.parseLong(value);
          if (contentLength >= 0 && contentLength != n) {
            throw new Malformed("sent two different Content-Length headers");
          }
          contentLength = n;
        }
        case "transfer-encoding" -> {
          String last = value.substring(value.lastIndexOf(',') + 1).strip();
          if (!last.equalsIgnoreCase("chunked")) {
            throw new Malformed("sent Transfer-Encoding \"" + Violation.shorten(value) + "\"");
          }
          chunked = true;
        }
        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
        default -> {
          if (name.equalsIgnoreCase(INSTANCE_HEADER)) {
            instance = value;
          }
        }
      }
    }
    if (chunked && contentLength >= 0) {
      throw new Malformed("sent both Content-Length and Transfer-Encoding");
    }
    return new Head(code, status.charAt(7) == '0', contentLength, chunked, connection, instance);
  }

  private static HttpResponse body(byte[] b, int len, boolean eof, Head h, int start)
      throws Malformed {
    boolean close =
        h.connection != null && h.connection.contains("close")
            || h.http10 && (h.connection == null || !h.connection.contains("keep-alive"));
    if (h.status == 204 || h.status == 304) {
      return new HttpResponse(h.status, close, new byte[0], h.instance, start);
    }
    if (h.chunked) {
      return chunked(b, len, h, start, close);
    }
    if (h.contentLength >= 0) {
      if (h.contentLength > MAX_BODY) {
        throw new Malformed("sent a body of " + h.contentLength + " bytes");
      }
      int end = start + (int) h.contentLength;
      if (end > len) {
        return null;
      }
      return new HttpResponse(
          h.status, close, java.util.Arrays.copyOfRange(b, start, end), h.instance, end);
    }
    // No length: the body runs until the server closes the connection.
    if (len - start > MAX_BODY) {
      throw new Malformed("sent a body of more than " + MAX_BODY + " bytes");
    }
    if (!eof) {
      return null;
    }
    return new HttpResponse(
        h.status, true, java.util.Arrays.copyOfRange(b, start, len), h.instance, len);
  }

  private static HttpResponse chunked(byte[] b, int len, Head h, int at, boolean close)
      throws Malformed {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (true) {
      int lineEnd = indexOf(b, at, len, "\r\n");
      if (lineEnd < 0) {
        return null;
      }
      String sizeLine = new String(b, at, lineEnd - at, StandardCharsets.ISO_8859_1);
      int semi = sizeLine.indexOf(';');
      String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip();
      long size;
      try {
        size = hex.isEmpty() || hex.length() > 8 ? -1 : Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 0) {
        throw new Malformed("sent a malformed chunk size: " + Violation.shorten(sizeLine));
      }
      at = lineEnd + 2;
      if (size == 0) {
        while (true) { // trailers, up to the empty line
          int end = indexOf(b, at, len, "\r\n");
          if (end < 0) {
            return null;
          }
          if (end == at) {
            return new HttpResponse(h.status, close, body.toByteArray(), h.instance, end + 2);
          }
          at = end + 2;
        }
      }
      if (body.size() + size > MAX_BODY) {
        throw new Malformed("sent a body of more than " + MAX_BODY + " bytes");
      }
      if (at + size + 2 > len) {
        return null;
      }
      body.write(b, at, (int) size);
      at += (int) size;
      if (b[at] != '\r' || b[at + 1] != '\n') {
        throw new Malformed("sent a chunk that does not end with CRLF");
      }
      at += 2;
    }
  }

  /**
   * The one ID in a body of {@code {"ids":[ID]}}: a JSON string (not empty) or integer. Other keys
   * are ignored.
   *
   * @return a String, a Long, or a BigInteger
   * @throws Malformed saying what is wrong with the body
   */
  static Object singleId(byte[] body) throws Malformed {
    try (JsonParser p = Json.FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Malformed("a body that is not a JSON object");
      }
      Object id = null;
      int count = -1;
      String key;
      while ((key = p.nextFieldName()) != null) {
        JsonToken t = p.nextToken();
        if (!key.equals("ids")) {
          p.skipChildren();
          continue;
        }
        if (count >= 0) {
          throw new Malformed("a body with \"ids\" twice");
        }
        if (t != JsonToken.START_ARRAY) {
          throw new Malformed("a body whose \"ids\" is not an array");
        }
        count = 0;
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          Object v = idValue(p, t);
          if (count++ == 0) {
            id = v;
          }
        }
      }
      if (p.nextToken() != null) {
        throw new Malformed("a body with more after the JSON object");
      }
      if (count < 0) {
        throw new Malformed("a body without \"ids\"");
      }
      if (count != 1) {
        throw new Malformed("a body with " + count + " IDs where count=1 asks for one");
      }
      return id;
    } catch (IOException e) {
      throw new Malformed("a body that is not JSON (" + Json.shortMessage(e) + ")");
    }
  }

  private static Object idValue(JsonParser p, JsonToken t) throws IOException, Malformed {
    switch (t) {
      case VALUE_STRING -> {
        String s = p.getText();
        if (s.isEmpty()) {
          throw new Malformed("an empty string as an ID");
        }
        return s;
      }
      case VALUE_NUMBER_INT -> {
        BigInteger v = p.getBigIntegerValue();
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
      }
      default -> {
        throw new Malformed(
            "an ID that is "
                + switch (t) {
                  case VALUE_NUMBER_FLOAT -> "a fraction";
                  case START_OBJECT -> "an object";
                  case START_ARRAY -> "an array";
                  case VALUE_NULL -> "null";
                  default -> "a boolean";
                }
                + ", not a string or an integer");
      }
    }
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code line[0, end)} is an HTTP token (a header name). */
  private static boolean token(String line, int end) {
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] b, int from, int to, String s) {
    outer:
    for (int i = from; i + s.length() <= to; i++) {
      for (int j = 0; j < s.length(); j++) {
        if (b[i + j] != s.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
