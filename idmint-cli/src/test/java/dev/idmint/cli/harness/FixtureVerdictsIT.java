package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The harness's verdict on small nodes with known bugs, and on a good one. */
@Timeout(180)
class FixtureVerdictsIT {
  @TempDir Path store;

  private static void assertInvalid(HarnessRun r) {
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.INVALID), r.toString());
  }

  @Test
  void collidingIdsAcrossNodes_areInvalid() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("collide.py"),
            "--node-count",
            "3",
            "--time-limit",
            "3",
            "--rate",
            "100");
    assertInvalid(r);
    assertTrue(r.verdict().contains("acknowledged more than once"), r.verdict());
    assertTrue(r.count("workload", "duplicated_count") > 10, r.toString());
    assertEquals(false, r.result("workload", "valid"));
    assertEquals(0L, r.count("protocol", "violation_count"));
  }

  @Test
  void debugTextOnStdout_isInvalid_andShowsTheNodeAndTheLine() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("debug.py"),
            "--node-count",
            "3",
            "--time-limit",
            "3",
            "--rate",
            "100");
    assertInvalid(r);
    assertTrue(r.verdict().contains("n1 printed a line to stdout that is not JSON"), r.verdict());
    assertTrue(r.stdout.contains("debug: n1 handled 20 requests"), r.stdout);
    assertEquals("n1", r.result("protocol", "violations", 0, "node"));
    assertEquals("debug: n1 handled 20 requests", r.result("protocol", "violations", 0, "line"));
    assertEquals(true, r.result("protocol", "violations", 0, "stopped_reading_node"));
    // As in Maelstrom, n1's later replies are lost and its requests time out.
    assertTrue(r.count("stats", "info_count") > 0, r.toString());
    assertEquals(true, r.result("workload", "valid"), "the IDs themselves were fine");
  }

  @Test
  void extraKeyInGenerateOk_isInvalid_evenWithoutAvailability() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("extra_key.py"),
            "--node-count",
            "2",
            "--time-limit",
            "2",
            "--rate",
            "50");
    assertInvalid(r);
    assertTrue(r.verdict().contains("generate_ok has an extra key \"node\""), r.verdict());
    assertEquals("malformed-reply", r.result("protocol", "violations", 0, "kind"));
    // Maelstrom makes such ops info (malformed-rpc-response), not ok.
    assertEquals(r.count("stats", "count"), r.count("stats", "info_count"));
    assertEquals(0L, r.count("stats", "ok_count"));
    assertTrue(
        Files.readString(r.runDir().resolve("history.jsonl"))
            .contains("\"error\":\"malformed-rpc-response\""));
  }

  @Test
  void counterForgottenOnRestart_underKill_isInvalid() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("forgetful.py"),
            "--node-count",
            "3",
            "--time-limit",
            "4",
            "--rate",
            "200",
            "--nemesis",
            "kill",
            "--nemesis-interval",
            "0.5",
            "--seed",
            "7");
    assertInvalid(r);
    assertTrue(r.count("workload", "duplicated_count") > 0, r.toString());
    List<?> events = (List<?>) r.result("nemesis", "events");
    assertTrue(
        events.stream().anyMatch(e -> "start".equals(((Map<?, ?>) e).get("f"))),
        "a restart happened");
    assertTrue(
        Files.readString(r.runDir().resolve("node-logs/n0.log"))
            .contains("=== idmint test: restarting"),
        "restarts are marked in node logs");
  }

  @Test
  void lateInitOk_isInvalid_withTheReason() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("slow_init.py"),
            "--node-count",
            "1",
            "--time-limit",
            "2");
    assertInvalid(r);
    assertTrue(r.verdict().contains("n0 did not answer init within 10 s"), r.verdict());
    assertEquals("warming up for 12 s", r.result("nodes", "init_failures", 0, "stderr_tail"));
    assertEquals(0L, r.count("stats", "count"), "no load without all nodes up");
  }

  @Test
  void idsOfMixedJsonTypes_areUnknown_asInMaelstrom() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("mixed_types.py"),
            "--node-count",
            "2",
            "--time-limit",
            "2",
            "--rate",
            "50");
    assertEquals(2, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.UNKNOWN), r.verdict());
    assertEquals("unknown", r.result("valid"));
  }

  @Test
  void nodeThatExitsOnItsOwn_isInvalid_andDefiniteErrorsAreFails() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("crashy.py"),
            "--node-count",
            "2",
            "--time-limit",
            "3",
            "--rate",
            "60");
    assertInvalid(r);
    assertTrue(r.verdict().contains("n1 crashed on its own (exit status 3)"), r.verdict());
    assertEquals("n1: giving up", r.result("nodes", "crashes", 0, "stderr_tail"));
    assertTrue(r.count("stats", "fail_count") > 0, "code 11 is definite: a fail");
  }

  @Test
  void wellBehavedPythonNode_underPartitionsLossAndLatency_isValid_withTotalAvailability()
      throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("good.py"),
            "--node-count",
            "5",
            "--time-limit",
            "4",
            "--rate",
            "200",
            "--nemesis",
            "partition,loss",
            "--nemesis-interval",
            "0.4",
            "--latency",
            "5",
            "--latency-dist",
            "exponential",
            "--availability",
            "total",
            "--seed",
            "3",
            "--",
            "--gossip");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.VALID), r.verdict());
    assertEquals(1.0, r.result("availability", "ok_fraction"));
    // The harness carried the gossip between nodes, and the faults cut some of it.
    assertTrue(r.count("net", "servers", "send_count") > 100, r.toString());
    assertTrue(r.count("net", "servers", "recv_count") > 0);
    assertTrue(r.count("net", "dropped_by_partition") > 0, r.toString());
    assertTrue(r.count("net", "dropped_by_loss") > 0, r.toString());
    assertTrue(
        Files.readString(r.runDir().resolve("node-logs/n1.log")).contains("heard"),
        "gossip reached the nodes");
    Path run = r.runDir();
    for (String f : List.of("results.json", "history.jsonl", "report.html", "node-logs/n4.log")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f);
    }
    assertTrue(r.stderr.contains("ops/s"), "progress goes to stderr");
    assertTrue(!r.stdout.contains("ops/s"), "stdout holds only the summary");
  }

  @Test
  void sameSeed_repeatsTheNemesisSchedule_andTheLossDraws() throws Exception {
    // Seed 73 starts loss at 0 and keeps it on past the 4 s, while partitions come and go. Each
    // node gossips about its first 25 IDs only, early in the run, so both runs send the same
    // node-to-node messages whatever the timing; the seed alone decides which are lost.
    String[] args = {
      "--bin",
      HarnessRun.fixture("good.py"),
      "--node-count",
      "5",
      "--time-limit",
      "4",
      "--rate",
      "100",
      "--nemesis",
      "partition,loss",
      "--nemesis-interval",
      "2.5",
      "--latency",
      "5",
      "--latency-dist",
      "exponential",
      "--seed",
      "73",
      "--",
      "--gossip-first=25"
    };
    HarnessRun a = HarnessRun.run(store.resolve("a"), args);
    HarnessRun b = HarnessRun.run(store.resolve("b"), args);
    assertEquals(0, a.exit, a.toString());
    assertEquals(0, b.exit, b.toString());
    assertEquals(summaries(a), summaries(b));
    assertTrue(summaries(a).size() >= 4, summaries(a).toString());
    assertEquals(125L, a.count("net", "servers", "send_count"), a.toString());
    assertEquals(125L, b.count("net", "servers", "send_count"), b.toString());
    long dropped = a.count("net", "dropped_by_loss");
    assertTrue(dropped > 30 && dropped < 95, "about half of 125: " + dropped);
    assertEquals(dropped, b.count("net", "dropped_by_loss"), "the same messages lost");
    if (a.count("rate", "slips") == 0 && b.count("rate", "slips") == 0) {
      assertEquals(a.count("stats", "count"), b.count("stats", "count"), "the same request plan");
    }
  }

  private static List<String> summaries(HarnessRun r) throws Exception {
    return ((List<?>) r.result("nemesis", "events"))
        .stream()
            .map(e -> ((Map<?, ?>) e).get("f") + " " + ((Map<?, ?>) e).get("summary"))
            .toList();
  }
}
