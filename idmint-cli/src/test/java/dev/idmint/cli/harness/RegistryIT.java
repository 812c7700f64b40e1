package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code idmint test --http --registry etcd}: instances lease their worker ids from a real 3-member
 * etcd the harness runs, under pauses, etcd's own faults and kills. The fixture {@code
 * registry_service.py} leases correctly unless told {@code --bug ttl}, when it trusts its lease.
 */
@Timeout(180)
class RegistryIT {
  @TempDir Path store;

  @BeforeEach
  void etcd() {
    Tools.command("etcd", "apt-get install etcd-server");
  }

  /**
   * Three instances leasing two workers (one stands by), {@code flags}, and the fixture with {@code
   * fixtureArgs}.
   */
  private HarnessRun fixture(List<String> flags, String... fixtureArgs) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--http", "--registry", "etcd", "--node-count", "3", "--worker-ids", "0-1"));
    args.addAll(flags);
    args.addAll(List.of("--bin", HarnessRun.fixture("registry_service.py")));
    if (fixtureArgs.length > 0) {
      args.add("--");
      args.addAll(List.of(fixtureArgs));
    }
    return HarnessRun.run(store, args.toArray(new String[0]));
  }

  private static Set<String> operations(HarnessRun r) throws Exception {
    Set<String> fs = new HashSet<>();
    for (Object e : (List<?>) r.result("nemesis", "events")) {
      fs.add((String) ((Map<?, ?>) e).get("f"));
    }
    return fs;
  }

  /** The changes of holder from one instance to another that etcd's owner keys show. */
  private static long handovers(HarnessRun r) throws Exception {
    return ((List<?>) r.result("registry", "changes"))
        .stream().map(c -> (Map<?, ?>) c).filter(c -> !c.get("from").equals(c.get("to"))).count();
  }

  @Test
  void ttlTrustingService_underPause_duplicatesItsSuccessor_andIsInvalidForIt() throws Exception {
    HarnessRun r =
        fixture(
            List.of(
                "--time-limit", "15",
                "--rate", "400",
                "--nemesis", "pause",
                "--nemesis-interval", "2",
                "--seed", "1"),
            "--bug",
            "ttl");
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.INVALID), r.verdict());
    assertTrue(r.verdict().contains("IDs were acknowledged more than once"), r.verdict());
    assertTrue(
        r.verdict().matches(".*; n\\d said it held worker \\d while etcd had given it to n\\d .*"),
        "the reason says how: " + r.verdict());
    assertTrue(r.count("workload", "duplicated_count") > 10, r.toString());
    assertEquals(Set.of("pause", "resume"), operations(r));
    assertTrue(handovers(r) >= 1, "a paused holder's worker went to the one standing by");
    assertFalse(((List<?>) r.result("registry", "stale")).isEmpty());
    assertTrue(r.stdout.contains("\nworkers      2 workers held by 3 instances"), r.stdout);
    String report = Files.readString(r.runDir().resolve("report.html"));
    assertTrue(report.contains("<svg id=\"workers-lanes\""), "a lane per worker");
    assertTrue(report.contains("class=\"conflict\""), "the stale holder in red");
  }

  @Test
  void correctService_underPauseRegistryAndKill_isValid_asItsWorkersPassOn() throws Exception {
    HarnessRun r =
        fixture(
            List.of(
                "--time-limit", "15",
                "--rate", "300",
                "--nemesis", "pause,registry,kill",
                "--nemesis-interval", "2",
                "--seed", "1"));
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.VALID), r.verdict());
    assertTrue(
        operations(r)
            .containsAll(
                Set.of("pause", "resume", "start-registry", "stop-registry", "kill", "start")),
        operations(r).toString());
    Set<String> registryFaults = new HashSet<>();
    for (Object e : (List<?>) r.result("nemesis", "events")) {
      Map<?, ?> event = (Map<?, ?>) e;
      if (event.get("f").equals("start-registry")) {
        registryFaults.add((String) ((Map<?, ?>) event.get("value")).get("kind"));
      }
    }
    assertTrue(registryFaults.contains("member"), "an etcd member killed: " + registryFaults);
    assertTrue(
        registryFaults.contains("stall") || registryFaults.contains("refuse"),
        "instances cut off from etcd: " + registryFaults);
    // Kills take holders (seed 1 kills every instance at 4.8 s): their workers are claimed again.
    assertFalse(((List<?>) r.result("registry", "changes")).isEmpty(), r.stdout);
    assertEquals(2, ((List<?>) r.result("registry", "workers")).size());
    assertEquals("0-1", r.result("test", "http", "registry", "worker_ids"));
    assertTrue(
        r.stdout.contains("instances up, 2 ready (workers 0-1: the others stand by)")
            || r.stderr.contains("instances up, 2 ready (workers 0-1: the others stand by)"));
    Path run = r.runDir();
    assertTrue(Files.readString(run.resolve("node-logs/etcd0.log")).contains("etcd"));
    assertFalse(Files.exists(run.resolve("etcd/etcd0")), "etcd's data goes with the run's end");
  }

  @Test
  void ourService_leasingItsWorkers_underEveryFault_isValid() throws Exception {
    Tools.libfaketime();
    HarnessRun r =
        HarnessRun.run(
            store,
            "--http",
            "--registry",
            "etcd",
            "--worker-ids",
            "0-2",
            "--node-count",
            "3",
            "--time-limit",
            "8",
            "--rate",
            "300",
            "--nemesis",
            "pause,registry,kill,clock,partition,loss",
            "--nemesis-interval",
            "1",
            "--seed",
            "2");
    assertEquals(0, r.exit, r.toString());
    List<?> bin = (List<?>) r.result("test", "bin");
    assertEquals("serve", bin.get(1));
    assertTrue(bin.contains("--registry") && bin.contains("{registry}"), bin.toString());
    assertFalse(bin.contains("--worker-id") || bin.contains("--state-dir"), bin.toString());
    assertEquals(3, ((List<?>) r.result("registry", "workers")).size(), r.stdout);
    assertEquals(List.of(), r.result("registry", "instances_without_info"));
  }

  @Test
  void aServiceWithNeitherKeysNorInfo_runs_andTheTimelineSaysNothingWasSeen() throws Exception {
    // id_service.py takes a worker id and a state dir: given here through the placeholders.
    HarnessRun r =
        HarnessRun.run(
            store,
            "--http",
            "--registry",
            "etcd",
            "--node-count",
            "2",
            "--time-limit",
            "2",
            "--rate",
            "100",
            "--seed",
            "4",
            "--bin",
            "/bin/sh",
            "--",
            "-c",
            "IDMINT_WORKER_ID={index} IDMINT_STATE_DIR={state} exec python3 "
                + HarnessRun.fixture("id_service.py"));
    assertEquals(0, r.exit, r.toString());
    assertTrue(
        r.stdout.contains(
            "\nworkers      none seen held (fleet test, TTL 2 s): no owner keys under"
                + " /idmint/test/worker/ in etcd, and no /v1/info naming a worker"),
        r.stdout);
    assertEquals(List.of("n0", "n1"), r.result("registry", "instances_without_info"));
  }
}
