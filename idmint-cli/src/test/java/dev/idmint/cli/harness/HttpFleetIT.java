package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code idmint test --http}: HTTP ID services under faults, through the harness's proxies and
 * HAProxy. The fixture {@code id_service.py} is correct unless told to break with {@code --bug}.
 */
@Timeout(180)
class HttpFleetIT {
  @TempDir Path store;

  private static final String ALL_FAULTS = "kill,clock,partition,loss";

  /** {@code idmint test --http} with {@code flags}, then the fixture and its arguments. */
  private HarnessRun fixture(List<String> flags, String... fixtureArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("--http"));
    args.addAll(flags);
    args.add("--bin");
    args.add(HarnessRun.fixture("id_service.py"));
    if (fixtureArgs.length > 0) {
      args.add("--");
      args.addAll(List.of(fixtureArgs));
    }
    return HarnessRun.run(store, args.toArray(new String[0]));
  }

  private static void assertInvalid(HarnessRun r) {
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.INVALID), r.toString());
  }

  private static void assertValid(HarnessRun r) {
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.VALID), r.toString());
  }

  /** The nemesis operations of the run, by Jepsen's name. */
  private static Set<String> operations(HarnessRun r) throws Exception {
    Set<String> fs = new HashSet<>();
    for (Object e : (List<?>) r.result("nemesis", "events")) {
      fs.add((String) ((Map<?, ?>) e).get("f"));
    }
    return fs;
  }

  /** Every instance answered, and its IDs strictly increased. */
  private static void assertEveryInstanceServedInOrder(HarnessRun r, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      assertTrue(r.count("instances", i, "ok_latency", "count") > 0, r.toString());
      assertEquals(true, r.result("instances", i, "ids_strictly_increase"), r.toString());
    }
  }

  @Test
  void correctService_underEveryFault_isValid_andEachInstancesIdsIncrease() throws Exception {
    Tools.libfaketime();
    HarnessRun r =
        fixture(
            List.of(
                "--node-count", "3",
                "--time-limit", "5",
                "--rate", "200",
                "--nemesis", ALL_FAULTS,
                "--nemesis-interval", "0.7",
                "--seed", "5"));
    assertValid(r);
    assertTrue(
        operations(r)
            .containsAll(
                Set.of("kill", "start", "start-partition", "start-loss", "stop-partition")),
        operations(r).toString());
    assertTrue(operations(r).contains("bump-clock") || operations(r).contains("strobe-clock"));
    assertEveryInstanceServedInOrder(r, 3);
    assertTrue(r.count("http", "connections_opened") > 3, "kills and cuts cost connections");
    assertTrue(r.stdout.contains("\norder        each instance's IDs strictly increase"), r.stdout);
    assertTrue(r.stdout.contains("\ninstances    no crashes, every instance became ready"));
    Path run = r.runDir();
    assertTrue(
        Files.readString(run.resolve("node-logs/n1.log"))
            .contains("=== idmint test: restarting n"));
    assertTrue(Files.exists(run.resolve("state/n0/lease")), "each instance has its own state dir");
    String report = Files.readString(run.resolve("report.html"));
    assertTrue(report.contains("Latency per instance") && report.contains("class=\"period kill\""));
    assertEquals(3, report.split("<svg class=\"instance\"", -1).length - 1, "a plot per instance");
    assertTrue(!Files.exists(run.resolve("messages.svg")), "HTTP services send no messages");
  }

  @Test
  void serviceThatForgetsOnRestart_underKill_isInvalid_andItsIdsGoBack() throws Exception {
    HarnessRun r =
        fixture(
            List.of(
                "--node-count", "3",
                "--time-limit", "4",
                "--rate", "200",
                "--nemesis", "kill",
                "--nemesis-interval", "0.5",
                "--seed", "7"),
            "--bug",
            "forget");
    assertInvalid(r);
    assertTrue(r.verdict().contains("acknowledged more than once"), r.verdict());
    assertTrue(r.stdout.contains("\norder        IDs went back on n"), r.stdout);
    long wentBack = 0;
    for (int i = 0; i < 3; i++) {
      wentBack += r.count("instances", i, "order_violations");
    }
    assertTrue(wentBack > 0, r.toString());
  }

  @Test
  void wallClockSnowflake_underClockFaults_isInvalid() throws Exception {
    Tools.libfaketime();
    HarnessRun r =
        fixture(
            List.of(
                "--node-count", "3",
                "--time-limit", "6",
                "--rate", "400",
                "--nemesis", "clock",
                "--nemesis-interval", "1",
                "--seed", "2"),
            "--bug",
            "wall-clock");
    assertInvalid(r);
    assertTrue(r.count("workload", "duplicated_count") > 0, r.toString());
    assertEquals(0L, r.count("protocol", "violation_count"));
  }

  @Test
  void twoInstancesOnOneWorkerId_areInvalid_withNoFaultAtAll() throws Exception {
    HarnessRun r =
        fixture(
            List.of("--node-count", "2", "--time-limit", "2", "--rate", "200"), "--worker-id", "0");
    assertInvalid(r);
    assertTrue(r.verdict().contains("acknowledged more than once"), r.verdict());
    assertEquals(List.of(), r.result("nemesis", "events"));
  }

  @Test
  void okWithAMalformedBody_isAProtocolViolation_andTheRequestIsInfo() throws Exception {
    HarnessRun r =
        fixture(
            List.of("--node-count", "1", "--time-limit", "1", "--rate", "50"),
            "--bug",
            "malformed");
    assertInvalid(r);
    assertTrue(
        r.verdict().contains("(first: n0 answered 200 with a body without \"ids\")"), r.verdict());
    assertEquals("malformed-body", r.result("protocol", "violations", 0, "kind"));
    assertEquals("{\"id\": \"0\"}", r.result("protocol", "violations", 0, "line"));
    assertEquals(0L, r.count("stats", "ok_count"));
    assertEquals(r.count("stats", "count"), r.count("stats", "info_count"));
  }

  @Test
  void instanceThatNeverBecomesReady_isInvalid_withTheLastAnswer() throws Exception {
    HarnessRun r =
        fixture(
            List.of("--node-count", "1", "--time-limit", "1", "--rate", "10"),
            "--bug",
            "not-ready");
    assertInvalid(r);
    assertTrue(r.verdict().contains("n0 was not ready within 10 s"), r.verdict());
    assertTrue(r.verdict().contains("last answered 503"), r.verdict());
    assertEquals(0L, r.count("stats", "count"), "no load without every instance ready");
  }

  /** Our service, bin/idmint serve (no --bin), under every fault. */
  private HarnessRun ourService(String... extra) throws Exception {
    Tools.libfaketime();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--http",
                "--node-count",
                "3",
                "--time-limit",
                "6",
                "--rate",
                "300",
                "--nemesis",
                ALL_FAULTS,
                "--nemesis-interval",
                "1",
                "--seed",
                "11"));
    args.addAll(List.of(extra));
    return HarnessRun.run(store, args.toArray(new String[0]));
  }

  @Test
  void ourService_underEveryFault_isValid() throws Exception {
    HarnessRun r = ourService();
    assertValid(r);
    assertEveryInstanceServedInOrder(r, 3);
    assertEquals("serve", r.result("test", "bin", 1));
    assertTrue(operations(r).contains("start"), "instances were killed and restarted");
  }

  @Test
  void ourService_behindHaproxy_underEveryFault_isValid() throws Exception {
    Tools.command("haproxy", "apt-get install haproxy");
    HarnessRun r = ourService("--lb", "haproxy");
    assertValid(r);
    assertEveryInstanceServedInOrder(r, 3);
    assertNotNull(r.result("http", "load_balancer", "haproxy"));
    String cfg = Files.readString(r.runDir().resolve("haproxy.cfg"));
    String project = Files.readString(HarnessRun.ROOT.resolve("deploy/haproxy.cfg"));
    assertTrue(cfg.contains("    server n2 127.0.0.1:"), cfg);
    assertEquals(
        project.substring(0, project.indexOf("# BEGIN servers")),
        cfg.substring(0, cfg.indexOf("# BEGIN servers")),
        "the project's config, with only its servers filled in");
    assertTrue(r.stderr.contains("behind haproxy"), r.stderr);
  }
}
