package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Maelstrom messages as the network writes them: one JSON line each, its message id first. */
final class Wire {
  private Wire() {}

  /**
   * Writes generate requests into one reused buffer, with no allocation: the scheduler's, and the
   * warm-up's, each its own.
   */
  static final class Requests {
    private final byte[] b = new byte[160];

    /**
     * A generate request, newline included, at the start of {@link #bytes}; valid until the next
     * call.
     *
     * @return its length
     */
    int generate(long id, String client, String dest, long msgId) {
      int n = ascii(b, 0, "{\"id\":");
      n = decimal(b, n, id);
      n = ascii(b, n, ",\"src\":\"");
      n = ascii(b, n, client);
      n = ascii(b, n, "\",\"dest\":\"");
      n = ascii(b, n, dest);
      n = ascii(b, n, "\",\"body\":{\"type\":\"generate\",\"msg_id\":");
      n = decimal(b, n, msgId);
      return ascii(b, n, "}}\n");
    }

    byte[] bytes() {
      return b;
    }
  }

  /**
   * The message with Maelstrom's top-level id, the body's bytes as the node printed them; src and
   * dest are known names, which need no escaping.
   */
  static byte[] stamp(long id, String src, String dest, byte[] b, Envelope e) {
    byte[] head =
        ("{\"id\":" + id + ",\"src\":\"" + src + "\",\"dest\":\"" + dest + "\",\"body\":")
            .getBytes(StandardCharsets.US_ASCII);
    int bodyLen = e.bodyEnd() - e.bodyStart();
    byte[] msg = new byte[head.length + bodyLen + 2];
    System.arraycopy(head, 0, msg, 0, head.length);
    System.arraycopy(b, e.bodyStart(), msg, head.length, bodyLen);
    msg[msg.length - 2] = '}';
    msg[msg.length - 1] = '\n';
    return msg;
  }

  /** A message the harness makes (init, a service's reply), newline included. */
  static byte[] envelope(long id, String src, String dest, Map<String, Object> body) {
    return ("{\"id\":"
            + id
            + ",\"src\":"
            + Json.toJson(src)
            + ",\"dest\":"
            + Json.toJson(dest)
            + ",\"body\":"
            + Json.toJson(body)
            + "}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A line a node printed, as text for a violation, cut long before it could be huge. */
  static String line(byte[] b, int off, int len) {
    return new String(b, off, Math.min(len, 4 * Violation.MAX_LINE), StandardCharsets.UTF_8);
  }

  private static int ascii(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      b[at++] = (byte) s.charAt(i);
    }
    return at;
  }

  /** Writes a non-negative number in decimal. */
  private static int decimal(byte[] b, int at, long v) {
    int start = at;
    do {
      b[at++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    for (int i = start, j = at - 1; i < j; i++, j--) {
      byte t = b[i];
      b[i] = b[j];
      b[j] = t;
    }
    return at;
  }
}
