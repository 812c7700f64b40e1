package dev.idmint.harness.maelstrom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.LatencyDist;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.ClusterNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkTest {
  /**
   * Drops under loss with {@code seed}: n0 and n1 each send 200 gossip lines to the other,
   * interleaved as {@code order} says (bit i set: n1's next line goes first).
   */
  private static NetStats lossRun(long seed, long order) {
    Network net =
        new Network(
            5,
            LatencyDist.EXPONENTIAL,
            seed,
            0,
            Traffic.none(),
            new Console(new PrintWriter(new StringWriter()), false));
    ClusterNode[] nodes = new ClusterNode[2];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new ClusterNode(i, "n" + i, Path.of("n" + i + ".log"));
    }
    net.attach(nodes);
    net.setLoss(NemesisPlan.LOSS);
    java.util.SplittableRandom interleave = new java.util.SplittableRandom(order);
    int[] sent = new int[2];
    while (sent[0] < 200 || sent[1] < 200) {
      int from = sent[0] == 200 ? 1 : sent[1] == 200 ? 0 : interleave.nextInt(2);
      byte[] line =
          ("{\"src\":\"n"
                  + from
                  + "\",\"dest\":\"n"
                  + (1 - from)
                  + "\",\"body\":{\"type\":\"gossip\",\"n\":"
                  + sent[from]++
                  + "}}")
              .getBytes(StandardCharsets.UTF_8);
      net.onLine(net.pipe(from), line, 0, line.length);
    }
    return net.stats();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void loss_sameSeed_dropsTheSame_howeverSendersInterleave(long order) {
    NetStats a = lossRun(42, 0);
    NetStats b = lossRun(42, order);
    assertEquals(400, b.serverSent());
    assertEquals(a.droppedByLoss(), b.droppedByLoss());
    assertTrue(b.droppedByLoss() > 150 && b.droppedByLoss() < 250, "about half");
  }

  @Test
  void loss_otherSeeds_dropOtherMessages() {
    java.util.Set<Long> counts = new java.util.HashSet<>();
    for (long seed = 42; seed < 50; seed++) {
      counts.add(lossRun(seed, 0).droppedByLoss());
    }
    assertTrue(counts.size() > 2, "the seed decides what is lost: " + counts);
  }
}
