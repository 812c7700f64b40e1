package dev.idmint.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.Fault;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.platform.Console;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pause fault on real processes (a shell that sleeps, and its child), whose state the kernel
 * reports in /proc: stopped while paused, running again once resumed.
 */
@Timeout(30)
class PauseFaultTest {
  @TempDir Path dir;

  private Cluster cluster;

  /** A process that is up as soon as it starts, with a child of its own. */
  private static final class Sleepers implements ProcessKind {
    @Override
    public void attach(ClusterNode[] nodes) {}

    @Override
    public List<String> command(ClusterNode n) {
      return List.of("sh", "-c", "sleep 60 & wait");
    }

    @Override
    public void environment(ClusterNode n, Map<String, String> env) {}

    @Override
    public boolean readsStdout() {
      return false;
    }

    @Override
    public long bringUp(ClusterNode n, ClusterNode.Proc p) {
      p.up.complete(true);
      return System.nanoTime();
    }

    @Override
    public String notUp(Object answer) {
      return null;
    }

    @Override
    public String upTimedOut(ClusterNode n) {
      return "timed out";
    }

    @Override
    public String exitedBeforeUp(int status) {
      return "exited";
    }
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.stopAll();
    }
  }

  /** The kernel's state letter for a process: T stopped, S sleeping. */
  private static char state(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  /** Whether the process is stopped, once a signal sent to it has been delivered (within 2 s). */
  private static boolean stopped(long pid, boolean expected) throws Exception {
    for (int i = 0; i < 100 && (state(pid) == 'T') != expected; i++) {
      Thread.sleep(20);
    }
    return state(pid) == 'T';
  }

  private static NemesisPlan.Event pause(Integer... nodes) {
    return new NemesisPlan.Event(
        0, Fault.PAUSE, true, "one", null, List.of(nodes), null, null, null);
  }

  private Process start() throws Exception {
    cluster =
        Cluster.helpers(
            List.of("n0", "n1"),
            dir,
            dir.resolve("logs"),
            new Sleepers(),
            new Console(new PrintWriter(new StringWriter()), false));
    assertEquals(Map.of(), cluster.startAndInit(List.of(cluster.nodes), false));
    Process p = cluster.nodes[0].proc.process;
    for (int i = 0; i < 100 && p.descendants().count() == 0; i++) {
      Thread.sleep(20); // the shell has not started its child yet
    }
    return p;
  }

  @Test
  void pause_stopsTheProcessAndItsChildren_andTheStopResumesThem() throws Exception {
    Process p = start();
    long child = p.descendants().findFirst().orElseThrow().pid();
    PauseFault fault = new PauseFault(cluster);
    Effect e = fault.start(pause(0));
    assertEquals("paused n0", e.summary());
    assertEquals(Map.of("spec", "one", "paused", List.of("n0")), e.value());
    assertTrue(stopped(p.pid(), true));
    assertTrue(stopped(child, true));
    assertTrue(
        !stopped(cluster.nodes[1].proc.process.pid(), false), "only the planned targets stop");
    assertEquals("no instance up to pause", fault.start(pause(0)).summary(), "paused already");
    Effect resumed = fault.stop();
    assertEquals("resumed n0", resumed.summary());
    assertTrue(!stopped(p.pid(), false) && !stopped(child, false));
    assertEquals("nothing to resume", fault.stop().summary());
  }

  @Test
  void aPausedProcessThatIsKilled_isNotResumed() throws Exception {
    start();
    PauseFault fault = new PauseFault(cluster);
    fault.start(pause(0, 1));
    assertTrue(cluster.kill(1), "SIGKILL ends a stopped process too");
    assertEquals("resumed n0", fault.stop().summary());
    assertEquals(List.of("n1"), cluster.down());
  }
}
