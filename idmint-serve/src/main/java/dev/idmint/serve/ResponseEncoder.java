package dev.idmint.serve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Writes a whole HTTP/1.1 response, head and body, into one buffer. The service's responses are few
 * and fixed in shape, so this replaces a header map and Netty's generic encoder on the path of
 * every request; the request side keeps Netty's decoder.
 */
final class ResponseEncoder {
  private static final byte[] CONTENT_TYPE = ascii("content-type: ");
  private static final byte[] CONTENT_LENGTH = ascii("\r\ncontent-length: ");
  private static final byte[] DATE = ascii("\r\ndate: ");
  private static final byte[] NO_STORE = ascii("\r\ncache-control: no-store");
  private static final byte[] ALLOW = ascii("\r\nallow: ");
  // Every 503 is a moment's trouble (state that cannot be renewed, a drain): try again in a second.
  private static final byte[] RETRY_AFTER = ascii("\r\nretry-after: 1");
  private static final byte[] CLOSE = ascii("\r\nconnection: close");
  private static final byte[] KEEP_ALIVE = ascii("\r\nconnection: keep-alive");
  private static final byte[] END = ascii("\r\n\r\n");
  static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");

  /** Status lines by code, made on first use. */
  private static final byte[][] STATUS_LINES = new byte[600][];

  private ResponseEncoder() {}

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] statusLine(HttpResponseStatus status) {
    int code = status.code();
    byte[] line = code < STATUS_LINES.length ? STATUS_LINES[code] : null;
    if (line == null) {
      line = ascii("HTTP/1.1 " + code + " " + status.reasonPhrase() + "\r\n");
      if (code < STATUS_LINES.length) {
        STATUS_LINES[code] = line; // a benign race: every thread makes the same bytes
      }
    }
    return line;
  }

  /**
   * The response to {@code reply}; releases the reply's body.
   *
   * @param head whether the request was HEAD: the headers say what GET would send, no body follows
   * @param connection {@code "close"}, {@code "keep-alive"} (an HTTP/1.0 client that asked for it)
   *     or null (HTTP/1.1's default, keep-alive)
   */
  static ByteBuf encode(ByteBufAllocator alloc, Api.Reply reply, boolean head, String connection) {
    ByteBuf body = reply.body();
    try {
      int length = body.readableBytes();
      byte[] status = statusLine(reply.status());
      AsciiString type = reply.contentType();
      AsciiString date = HttpDate.now();
      String allow = reply.allow();
      int size =
          status.length
              + CONTENT_TYPE.length
              + type.length()
              + CONTENT_LENGTH.length
              + Decimal.MAX_DIGITS
              + DATE.length
              + date.length()
              + (reply.noStore() ? NO_STORE.length : 0)
              + (allow == null ? 0 : ALLOW.length + allow.length())
              + RETRY_AFTER.length
              + KEEP_ALIVE.length
              + END.length
              + (head ? 0 : length);
      ByteBuf out = alloc.ioBuffer(size);
      out.writeBytes(status).writeBytes(CONTENT_TYPE);
      out.writeBytes(type.array(), type.arrayOffset(), type.length());
      out.writeBytes(CONTENT_LENGTH);
      writeDecimal(out, length);
      out.writeBytes(DATE).writeBytes(date.array(), date.arrayOffset(), date.length());
      if (reply.noStore()) {
        out.writeBytes(NO_STORE);
      }
      if (allow != null) {
        out.writeBytes(ALLOW).writeCharSequence(allow, StandardCharsets.US_ASCII);
      }
      if (reply.status().code() == 503) {
        out.writeBytes(RETRY_AFTER);
      }
      if ("close".equals(connection)) {
        out.writeBytes(CLOSE);
      } else if ("keep-alive".equals(connection)) {
        out.writeBytes(KEEP_ALIVE);
      }
      out.writeBytes(END);
      if (!head) {
        out.writeBytes(body, body.readerIndex(), length);
      }
      return out;
    } finally {
      body.release();
    }
  }

  private static void writeDecimal(ByteBuf out, int v) {
    int p = 1;
    for (int d = Decimal.digits(v); d > 1; d--) {
      p *= 10;
    }
    for (; p > 0; p /= 10) {
      out.writeByte('0' + v / p % 10);
    }
  }
}
