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
  private static volatile long sink;

  /**
   * Parses and checks synthetic replies as the network and the clients will, and writes requests
   * with the load's own writer.
   */
  static void run(int rounds) {
    Wire.Requests requests = new Wire.Requests();
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
        sum += NodeNames.node(e.src(), 0, 5) + NodeNames.index(e.dest(), 'c', 7) + e.bodyEnd();
        sum += GenerateClient.generateOkProblem(e.body()) == null ? e.body().id().hashCode() : 1;
      } catch (Json.ParseException | Envelope.Malformed x) {
        throw new IllegalStateException(x);
      }
      sum += requests.generate(i, "c" + (i % 7), "n" + (i % 5), i);
    }
    sink = sum;
  }
}
