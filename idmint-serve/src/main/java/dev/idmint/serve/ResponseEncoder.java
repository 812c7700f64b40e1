package dev.idmint.serve;

import dev.idmint.id.IdText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
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
  private static final byte[] RETRY_AFTER = ascii("\r\nretry-after: ");
  private static final byte[] CLOSE = ascii("\r\nconnection: close");
  private static final byte[] KEEP_ALIVE = ascii("\r\nconnection: keep-alive");
  private static final byte[] END = ascii("\r\n\r\n");
  static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");

  /** Status lines by code, made on first use. */
  private static final byte[][] STATUS_LINES = new byte[600][];

  /** A response head is assembled here, then copied into the buffer in one go. */
  private static final FastThreadLocal<byte[]> HEAD =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[512];
        }
      };

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
      AsciiString type = reply.contentType();
      AsciiString date = HttpDate.now();
      String allow = reply.allow();
      byte[] h = HEAD.get();
      int need = 256 + type.length() + (allow == null ? 0 : allow.length());
      if (h.length < need) {
        h = new byte[need];
        HEAD.set(h);
      }
      int p = put(h, 0, statusLine(reply.status()));
      p = put(h, p, CONTENT_TYPE);
      System.arraycopy(type.array(), type.arrayOffset(), h, p, type.length());
      p += type.length();
      p = IdText.decimal(length, h, put(h, p, CONTENT_LENGTH));
      p = put(h, p, DATE);
      System.arraycopy(date.array(), date.arrayOffset(), h, p, date.length());
      p += date.length();
      if (reply.noStore()) {
        p = put(h, p, NO_STORE);
      }
      if (allow != null) {
        p = put(h, p, ALLOW);
        for (int i = 0; i < allow.length(); i++) {
          h[p++] = (byte) allow.charAt(i);
        }
      }
      if (reply.status().code() == 503) { // every 503 says when to try again
        p = IdText.decimal(Math.max(1, reply.retryAfter()), h, put(h, p, RETRY_AFTER));
      }
      if ("close".equals(connection)) {
        p = put(h, p, CLOSE);
      } else if ("keep-alive".equals(connection)) {
        p = put(h, p, KEEP_ALIVE);
      }
      p = put(h, p, END);
      ByteBuf out = alloc.ioBuffer(p + (head ? 0 : length));
      out.writeBytes(h, 0, p);
      if (!head) {
        out.writeBytes(body, body.readerIndex(), length);
      }
      return out;
    } finally {
      body.release();
    }
  }

  private static int put(byte[] dst, int at, byte[] src) {
    System.arraycopy(src, 0, dst, at, src.length);
    return at + src.length;
  }
}
