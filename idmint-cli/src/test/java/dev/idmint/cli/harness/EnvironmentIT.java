package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.node.TestJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a node sees of its environment, and Maelstrom's flags that shape it, match Maelstrom. */
@Timeout(180)
class EnvironmentIT {
  @TempDir Path store;

  @Test
  void withoutNodeCount_nodesAreN1ToN5_andAllShareOneWorkingDirectory() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("shared_cwd.py"),
            "--time-limit",
            "1",
            "--rate",
            "20");
    assertEquals(0, r.exit, r.toString());
    assertEquals(List.of("n1", "n2", "n3", "n4", "n5"), r.result("test", "node_ids"));
    Path work = r.runDir().resolve("work");
    Set<String> wrote = new TreeSet<>(Files.readAllLines(work.resolve("nodes.txt")));
    assertEquals(Set.of("n1", "n2", "n3", "n4", "n5"), wrote, "one nodes.txt, written by all");
    assertTrue(
        Files.readString(r.runDir().resolve("node-logs/n5.log"))
            .contains("n5 runs in " + work.toRealPath()));
    Set<Object> historyNodes = new TreeSet<>();
    for (String line : Files.readAllLines(r.runDir().resolve("history.jsonl"))) {
      Object node = ((Map<?, ?>) TestJson.parse(line)).get("node");
      if (node != null) {
        historyNodes.add(node);
      }
    }
    assertEquals(Set.of("n1", "n2", "n3", "n4", "n5"), historyNodes);
  }

  @Test
  void binFoundOnPath_runs_butSaysMaelstromWouldNotFindIt() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            "python3",
            "idmint-cli/src/test/resources/fixtures/good.py",
            "--node-count",
            "2",
            "--time-limit",
            "1",
            "--rate",
            "20",
            "--availability",
            "1/2");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.stderr.contains("was found on PATH"), r.stderr);
    assertTrue(r.stderr.contains("Maelstrom resolves --bin as a path"), r.stderr);
    assertTrue(r.stderr.contains("good.py does not resolve"), r.stderr);
    assertEquals(0.5, r.result("availability", "required"), "an EDN ratio, as Maelstrom reads it");
  }

  @Test
  void rateZero_sendsNoRequests_runsTheNemesis_andIsUnknown_asInMaelstrom() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("good.py"),
            "--node-count",
            "3",
            "--time-limit",
            "1.5",
            "--rate",
            "0",
            "--nemesis",
            "partition",
            "--nemesis-interval",
            "0.3",
            "--availability",
            "total",
            "--seed",
            "1");
    assertEquals(2, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.UNKNOWN), r.verdict());
    assertTrue(r.verdict().contains("--rate 0"), r.verdict());
    assertEquals(0L, r.count("stats", "count"));
    assertEquals(1.0, r.result("availability", "ok_fraction"));
    assertTrue(((List<?>) r.result("nemesis", "events")).size() > 2, "the nemesis still ran");
    assertTrue(r.count("rate", "seconds") >= 1, "the run lasted its time limit");
  }

  @Test
  void testCount_runsEachSeedInTurn_andExitsWithTheWorstVerdict() throws Exception {
    HarnessRun ok =
        HarnessRun.run(
            store.resolve("ok"),
            "--bin",
            HarnessRun.fixture("good.py"),
            "--node-count",
            "2",
            "--time-limit",
            "0.5",
            "--rate",
            "20",
            "--test-count",
            "3",
            "--seed",
            "40");
    assertEquals(0, ok.exit, ok.toString());
    assertTrue(
        ok.stdout.contains("3 runs (seeds 40..42): 3 valid, 0 invalid, 0 unknown"), ok.stdout);
    try (var runs = Files.list(store.resolve("ok"))) {
      assertEquals(3, runs.filter(p -> !p.endsWith("latest")).count());
    }
    assertEquals(42L, ok.result("test", "seed"), "latest is the last run");

    HarnessRun bad =
        HarnessRun.run(
            store.resolve("bad"),
            "--bin",
            HarnessRun.fixture("collide.py"),
            "--node-count",
            "2",
            "--time-limit",
            "0.5",
            "--rate",
            "40",
            "--test-count",
            "2");
    assertEquals(1, bad.exit, bad.toString());
    assertTrue(bad.stdout.contains("0 valid, 2 invalid"), bad.stdout);
  }

  @Test
  void logStderr_echoesEachNodesStderr_prefixedWithItsName() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("shared_cwd.py"),
            "--node-count",
            "2",
            "--time-limit",
            "0.5",
            "--rate",
            "10",
            "--log-stderr",
            "--topology",
            "grid");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.stderr.contains("n0 stderr: n0 runs in "), r.stderr);
    assertTrue(r.stderr.contains("n1 stderr: n1 runs in "), r.stderr);
    assertTrue(r.stderr.contains("--topology grid is valid, and unused"), r.stderr);
    assertTrue(
        Files.readString(r.runDir().resolve("node-logs/n1.log")).contains("n1 runs in "),
        "and still goes to its log");
  }

  @Test
  void logNetSendAndRecv_recordEveryMessage_withItsTimes_inNetJsonl() throws Exception {
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("good.py"),
            "--node-count",
            "3",
            "--time-limit",
            "1",
            "--rate",
            "50",
            "--latency",
            "10",
            "--nemesis",
            "loss",
            "--log-net-send",
            "--log-net-recv",
            "--",
            "--gossip");
    assertEquals(0, r.exit, r.toString());
    Map<String, Integer> counts = new java.util.TreeMap<>();
    Map<Object, Long> sentAt = new java.util.HashMap<>();
    long slowest = 0;
    for (String line : Files.readAllLines(r.runDir().resolve("net.jsonl"))) {
      Map<?, ?> e = (Map<?, ?>) TestJson.parse(line);
      Map<?, ?> m = (Map<?, ?>) e.get("message");
      Map<?, ?> body = (Map<?, ?>) m.get("body");
      String key = e.get("type") + " " + body.get("type");
      counts.merge(key, 1, Integer::sum);
      long t = ((Number) e.get("time")).longValue();
      if (e.get("type").equals("send")) {
        sentAt.put(m.get("id"), t);
      } else if (e.get("type").equals("recv") && body.get("type").equals("gossip")) {
        slowest = Math.max(slowest, t - sentAt.get(m.get("id")));
      }
    }
    long ops = r.count("stats", "count");
    assertEquals(ops, (long) counts.get("send generate"), counts.toString());
    assertEquals(ops, (long) counts.get("recv generate_ok"), counts.toString());
    assertEquals(3, (int) counts.get("send init"));
    assertEquals(r.count("net", "dropped_by_loss"), (long) counts.getOrDefault("drop gossip", 0));
    assertTrue(counts.get("recv gossip") > 0);
    assertTrue(slowest >= 10_000_000, "gossip waited out its 10 ms latency: " + slowest);
  }
}
