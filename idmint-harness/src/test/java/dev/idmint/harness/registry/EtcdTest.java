package dev.idmint.harness.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.SetupFailure;
import dev.idmint.harness.run.ClusterNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd members as a kind of process, against a stand-in etcd ({@code fake_etcd}, which answers
 * {@code /health} and writes down its arguments): started, killed, restarted on their data, gone.
 */
@Timeout(60)
class EtcdTest {
  @TempDir Path run;

  private final StringWriter console = new StringWriter();

  static Path fake() throws Exception {
    Path p = Path.of(EtcdTest.class.getResource("/fake_etcd").toURI());
    p.toFile().setExecutable(true);
    return p;
  }

  private Etcd start(Path etcd) throws Exception {
    return Etcd.start(
        new Config.Registry(etcd, "test", null, 0, 1023, 2000),
        run,
        new Console(new PrintWriter(console, true), false));
  }

  private List<String> args(String member) throws Exception {
    return Files.readAllLines(run.resolve("etcd/" + member + ".args"));
  }

  @Test
  void members_startAsOneCluster_andAKilledOneRejoinsOnItsData() throws Exception {
    Etcd etcd = start(fake());
    try {
      assertEquals(List.of("etcd0", "etcd1", "etcd2"), etcd.names());
      assertTrue(
          etcd.url().matches("etcd://127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127.0.0.1:\\d+"));
      String first = args("etcd1").get(0);
      assertTrue(first.contains("\"--initial-cluster-state\", \"new\""), first);
      assertTrue(first.contains("etcd0=http://127.0.0.1:"), "every member in the cluster");
      assertTrue(first.contains("\"--data-dir\", \"" + run.resolve("etcd/etcd1") + "\""), first);
      assertTrue(etcd.gateway().healthy(etcd.clientPort(1)));

      assertTrue(etcd.kill(1));
      assertFalse(etcd.kill(1), "down already");
      assertFalse(etcd.gateway().healthy(etcd.clientPort(1)));
      assertEquals(Map.of("etcd1", "started"), etcd.restartDown());
      assertTrue(args("etcd1").get(1).contains("\"--initial-cluster-state\", \"existing\""));
      assertTrue(etcd.gateway().healthy(etcd.clientPort(1)), "on the same port");
      assertNull(etcd.failure());
      assertTrue(Files.exists(run.resolve("node-logs/etcd1.log")));
    } finally {
      etcd.stop();
    }
    assertFalse(Files.exists(run.resolve("etcd/etcd0")), "128 MB of preallocated log each: gone");
    assertFalse(etcd.gateway().healthy(etcd.clientPort(0)), "stopped");
  }

  @Test
  void anEtcdThatWillNotStart_failsTheHarness_naming_itsLog() throws Exception {
    SetupFailure e = assertThrows(SetupFailure.class, () -> start(Path.of("/bin/false")));
    assertTrue(
        e.getMessage().startsWith("etcd would not start: etcd0 exited with status 1"),
        e.getMessage());
    assertTrue(e.getMessage().contains("node-logs/etcd0.log"));
  }

  @Test
  void members_takeNothingFromTheHarnesssEtcdEnvironment() throws Exception {
    EtcdMembers m = new EtcdMembers(fake(), run, new Gateway());
    ClusterNode n = new ClusterNode(0, "etcd0", run.resolve("etcd0.log"));
    m.attach(new ClusterNode[] {n});
    Map<String, String> env = new HashMap<>(Map.of("ETCD_NAME", "x", "PATH", "/bin"));
    m.environment(n, env);
    assertEquals(Map.of("PATH", "/bin"), env);
  }
}
