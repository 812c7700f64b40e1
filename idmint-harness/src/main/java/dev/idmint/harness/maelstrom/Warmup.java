package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * Compiles the per-message code before the load starts, as node start-up is kept out of the
 * measured window too: otherwise the first half second runs interpreted and the plan slips.
 */
final class Warmup {
  private Warmup() {}

  /** Where the checksum goes, so the JIT cannot drop the work as unused. */
  static volatile long sink;

  /** Parses and checks synthetic replies and builds requests, as the load will. */
  static void run(int rounds) {
    long sum = 0;
    for (int i = 0; i < rounds; i++) {
      String line =
          "{\"src\":\"n"
              + (i % 5)
              + "\",\"dest\":\"c"
              + (i % 7)
              + "\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":"
              + i
              + ",\"msg_id\":"
              + (i + 1)
              + ",\"id\":\"n"
              + (i % 5)
              + "-"
              + i
              + "\"}}";
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      try {
        Envelope e = Envelope.parse(b, 0, b.length);
        sum += Network.index(e.src(), 'n', 5) + Network.index(e.dest(), 'c', 7) + e.bodyEnd();
        sum += Network.generateOkProblem(e.body()) == null ? e.body().id().hashCode() : 1;
      } catch (Json.ParseException | Envelope.Malformed x) {
        throw new IllegalStateException(x);
      }
      String req =
          "{\"id\":"
              + i
              + ",\"src\":\"c"
              + (i % 7)
              + "\",\"dest\":\"n"
              + (i % 5)
              + "\",\"body\":{\"type\":\"generate\",\"msg_id\":"
              + i
              + "}}\n";
      sum += req.getBytes(StandardCharsets.US_ASCII).length;
    }
    sink = sum;
  }
}
