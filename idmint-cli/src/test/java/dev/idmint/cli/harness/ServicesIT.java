package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Nodes that mint IDs through Maelstrom's services get the verdicts they would get there. */
@Timeout(180)
class ServicesIT {
  @TempDir Path store;

  /** The service's entry in results.json's net.services. */
  private static Map<?, ?> service(HarnessRun r, String name) throws Exception {
    for (Object s : (List<?>) r.result("net", "services")) {
      if (name.equals(((Map<?, ?>) s).get("service"))) {
        return (Map<?, ?>) s;
      }
    }
    throw new AssertionError("no " + name + " in " + r);
  }

  @Test
  void linKvCasCounter_underPartitions_isValid_withTotalAvailability() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("lin_kv_counter.py"),
            "--node-count",
            "3",
            "--time-limit",
            "3",
            "--rate",
            "100",
            "--concurrency",
            "2n",
            "--nemesis",
            "partition",
            "--nemesis-interval",
            "0.5",
            "--latency",
            "2",
            "--availability",
            "total",
            "--seed",
            "4");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.VALID), r.verdict());
    long ops = r.count("stats", "ok_count");
    assertTrue(ops > 100, r.toString());
    // Partitions cut nodes off from each other, never from the service: every request was served.
    assertTrue(((Number) service(r, "lin-kv").get("requests")).longValue() >= 2 * ops);
    assertTrue(r.stdout.contains("services     lin-kv "), r.stdout);
    assertEquals(1L, r.result("workload", "range", 0), "the counter starts at 1");
  }

  @Test
  void linTso_isValid_andServiceTrafficTakesTheNetworksLatency() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("lin_tso.py"),
            "--node-count",
            "2",
            "--time-limit",
            "2",
            "--rate",
            "50",
            "--latency",
            "30",
            "--availability",
            "total",
            "--seed",
            "1");
    assertEquals(0, r.exit, r.toString());
    assertEquals(0L, r.result("workload", "range", 0), "lin-tso counts from 0");
    // A request and its reply each wait 30 ms on the way: at least 60 ms per generate.
    double p50 = ((Number) r.result("latency", "ok", "p50")).doubleValue();
    assertTrue(p50 >= 60 && p50 < 1000, "p50 " + p50);
  }

  @Test
  void seqKvReadThenWriteCounter_isInvalid_withDuplicates_becauseSeqKvServesStaleReads()
      throws Exception {
    // At 20 requests a second, one at a time per node, requests rarely overlap: the duplicates come
    // from reads of past states, which seq-kv may serve and lin-kv may not.
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("seq_kv_counter.py"),
            "--node-count",
            "2",
            "--time-limit",
            "3",
            "--rate",
            "20",
            "--seed",
            "5");
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().contains("acknowledged more than once"), r.verdict());
    assertTrue(r.count("workload", "duplicated_count") >= 5, r.toString());
    assertEquals(0L, r.count("protocol", "violation_count"), "the node broke no rule");
    assertTrue(((Number) service(r, "seq-kv").get("requests")).longValue() > 80);
  }
}
