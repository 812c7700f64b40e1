package dev.idmint.harness.run;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.Logs;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The processes under test: start and bring up, kill, restart and stop, as Maelstrom's DB does;
 * what bringing up means is the {@link ProcessKind}'s.
 */
public final class Cluster {
  public static final long INIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** A node that exited on its own while up. */
  public record Crash(long at, String node, int exitCode, String stderrTail) {}

  /** A node that did not come up: no init_ok (or readiness) in time, a wrong reply, an exit. */
  public record InitFailure(
      long at, String node, boolean restart, String reason, String stderrTail) {}

  /** What became of the nodes: crashes and failed inits, in the order they happened. */
  public record Health(List<Crash> crashes, List<InitFailure> initFailures) {
    public boolean healthy() {
      return crashes.isEmpty() && initFailures.isEmpty();
    }
  }

  public final ClusterNode[] nodes;
  private final List<Crash> crashes = Collections.synchronizedList(new ArrayList<>());
  private final List<InitFailure> initFailures = Collections.synchronizedList(new ArrayList<>());

  private final ProcessKind kind;
  private final Clocks clocks;
  private final Console console;
  private final Path workDir;
  private final List<String> nodeIds;

  /** With --log-stderr: each process's output is echoed to the terminal too. */
  private final boolean echo;

  /** The processes the pause fault stopped, by node index, until it resumes them. */
  private final Map<Integer, ClusterNode.Proc> paused = new LinkedHashMap<>();

  private volatile boolean stopping;

  /**
   * Prepares the nodes: all share one working directory, {@code <run>/work}, as Maelstrom starts
   * every node in its own temp directory.
   */
  public Cluster(Config config, Path runDir, ProcessKind kind, Console console) throws IOException {
    this(
        config.nodeIds(),
        runDir.resolve("work"),
        runDir.resolve("node-logs"),
        new Clocks(config.faketimeLib(), runDir, config.nodeIds()),
        config.logging().stderr(),
        kind,
        console);
  }

  private Cluster(
      List<String> ids,
      Path workDir,
      Path logDir,
      Clocks clocks,
      boolean echo,
      ProcessKind kind,
      Console console)
      throws IOException {
    this.kind = kind;
    this.console = console;
    this.nodeIds = List.copyOf(ids);
    this.workDir = Files.createDirectories(workDir);
    this.clocks = clocks;
    this.echo = echo;
    Path logs = Files.createDirectories(logDir);
    nodes = new ClusterNode[ids.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new ClusterNode(i, nodeIds.get(i), logs.resolve(nodeIds.get(i) + ".log"));
    }
    kind.attach(nodes);
  }

  /**
   * Processes that serve the run rather than being tested by it (etcd members), started in {@code
   * workDir} and logging to {@code <logDir>/<id>.log}: the same start, kill and restart, but their
   * clocks are never moved and their output is never echoed.
   */
  public static Cluster helpers(
      List<String> ids, Path workDir, Path logDir, ProcessKind kind, Console console)
      throws IOException {
    return new Cluster(ids, workDir, logDir, new Clocks(null, workDir, ids), false, kind, console);
  }

  /** The nodes' names, in index order. */
  public List<String> ids() {
    return nodeIds;
  }

  public Health health() {
    synchronized (crashes) {
      synchronized (initFailures) {
        return new Health(List.copyOf(crashes), List.copyOf(initFailures));
      }
    }
  }

  /**
   * Starts {@code targets} and brings them up in parallel, each within Maelstrom's 10 s init
   * timeout.
   *
   * @return node id to why it did not come up, empty when all did
   */
  public Map<String, String> startAndInit(List<ClusterNode> targets, boolean restart) {
    Map<String, String> failed = new LinkedHashMap<>();
    Map<ClusterNode, ClusterNode.Proc> started = new LinkedHashMap<>();
    Map<ClusterNode, Long> sentAt = new LinkedHashMap<>();
    for (ClusterNode n : targets) {
      n.state = ClusterNode.State.STARTING;
      if (restart) {
        Processes.note(n, "restarting " + n.id);
      }
      try {
        ClusterNode.Proc p = spawn(n);
        started.put(n, p);
        sentAt.put(n, kind.bringUp(n, p));
      } catch (IOException e) {
        failed.put(n.id, "could not be started: " + e.getMessage());
      }
    }
    for (Map.Entry<ClusterNode, ClusterNode.Proc> e : started.entrySet()) {
      ClusterNode n = e.getKey();
      ClusterNode.Proc p = e.getValue();
      String reason = awaitUp(n, p, sentAt.get(n));
      if (reason == null) {
        n.lock.lock();
        try {
          if (n.proc == p && n.state == ClusterNode.State.STARTING) {
            n.state = ClusterNode.State.UP;
          }
        } finally {
          n.lock.unlock();
        }
        kind.wake(n);
      } else {
        failed.put(n.id, reason);
        p.expectedExit = true;
        Processes.killTree(p.process);
        awaitStderr(p);
      }
    }
    for (ClusterNode n : targets) {
      String reason = failed.get(n.id);
      if (reason != null) {
        n.state = ClusterNode.State.FAILED;
        String tail = Logs.tail(n.log);
        initFailures.add(new InitFailure(System.nanoTime(), n.id, restart, reason, tail));
        console.println(
            "\nidmint test: "
                + n.id
                + " "
                + reason
                + (tail.isEmpty()
                    ? "; its stderr is empty"
                    : "; the end of its stderr:\n" + Text.indent(tail)));
      }
    }
    return failed;
  }

  /** Waits for the process's answer to being brought up; returns null if it is up, else why not. */
  private String awaitUp(ClusterNode n, ClusterNode.Proc p, long sentAt) {
    long left = sentAt + INIT_TIMEOUT_NANOS - System.nanoTime();
    Object answer;
    try {
      answer = p.up.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return kind.upTimedOut(n);
    } catch (ExecutionException e) {
      return kind.exitedBeforeUp(p.process.exitValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "init was interrupted";
    }
    return kind.notUp(answer);
  }

  private ClusterNode.Proc spawn(ClusterNode n) throws IOException {
    Redirect log = echo ? Redirect.PIPE : Redirect.appendTo(n.log.toFile());
    ProcessBuilder pb =
        new ProcessBuilder(kind.command(n)).directory(workDir.toFile()).redirectError(log);
    if (!kind.readsStdout()) {
      pb.redirectErrorStream(true).redirectOutput(log); // both to the log, or both echoed
    }
    Map<String, String> env = pb.environment();
    kind.environment(n, env);
    clocks.environment(n.index, env);
    Process process = pb.start();
    ClusterNode.Proc p = new ClusterNode.Proc(process, ++n.starts);
    n.lock.lock();
    try {
      n.proc = p;
    } finally {
      n.lock.unlock();
    }
    kind.started(n, p);
    if (echo) {
      Thread copier =
          new Thread(
              () -> Processes.copyStderr(n, p, kind.readsStdout(), console),
              "stderr-" + n.id + "-" + p.incarnation);
      copier.setDaemon(true);
      p.stderrCopier = copier;
      copier.start();
    }
    process.onExit().thenRun(() -> onExit(n, p));
    return p;
  }

  private void onExit(ClusterNode n, ClusterNode.Proc p) {
    awaitStderr(p);
    p.up.completeExceptionally(new IOException("exited"));
    if (p.expectedExit || stopping) {
      return;
    }
    n.lock.lock();
    try {
      // A node that dies before it is up is an init failure, reported by startAndInit.
      if (n.proc != p || n.state != ClusterNode.State.UP) {
        return;
      }
      n.state = ClusterNode.State.CRASHED;
    } finally {
      n.lock.unlock();
    }
    int code = p.process.exitValue();
    String tail = Logs.tail(n.log);
    crashes.add(new Crash(System.nanoTime(), n.id, code, tail));
    console.println(
        "\nidmint test: "
            + n.id
            + " exited on its own with status "
            + code
            + (tail.isEmpty() ? "" : "; the end of its stderr:\n" + Text.indent(tail)));
  }

  /** Lets the --log-stderr copier reach the log's end, so the tail we report is complete. */
  private static void awaitStderr(ClusterNode.Proc p) {
    Thread t = p.stderrCopier;
    if (t != null) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGKILLs node {@code i}'s process and its children; false if it was not up. */
  public boolean kill(int i) {
    ClusterNode n = nodes[i];
    ClusterNode.Proc p;
    n.lock.lock();
    try {
      if (n.state != ClusterNode.State.UP) {
        return false;
      }
      n.state = ClusterNode.State.DOWN; // from now on nothing more is written to it
      p = n.proc;
      p.expectedExit = true;
    } finally {
      n.lock.unlock();
    }
    Processes.killTree(p.process);
    return true;
  }

  /**
   * SIGSTOPs node {@code i}'s process and its children, as Jepsen's pause does; false if it was not
   * up. It stays up as far as the cluster knows: it may be killed while stopped.
   */
  synchronized boolean pause(int i) {
    ClusterNode n = nodes[i];
    ClusterNode.Proc p;
    n.lock.lock();
    try {
      if (n.state != ClusterNode.State.UP || paused.containsKey(i)) {
        return false;
      }
      p = n.proc;
      paused.put(i, p);
    } finally {
      n.lock.unlock();
    }
    Processes.signal("STOP", p.process);
    return true;
  }

  /** SIGCONTs every process {@link #pause} stopped that still runs; returns their nodes. */
  synchronized List<String> resumeAll() {
    List<String> resumed = new ArrayList<>();
    for (Map.Entry<Integer, ClusterNode.Proc> e : List.copyOf(paused.entrySet())) {
      ClusterNode n = nodes[e.getKey()];
      n.lock.lock();
      try {
        paused.remove(e.getKey());
        if (n.proc == e.getValue() && e.getValue().process.isAlive()) {
          Processes.signal("CONT", e.getValue().process);
          resumed.add(n.id);
        }
      } finally {
        n.lock.unlock();
      }
    }
    return resumed;
  }

  /** The nodes the nemesis killed that are not restarted yet. */
  public List<String> down() {
    List<String> ids = new ArrayList<>();
    for (ClusterNode n : nodes) {
      if (n.state == ClusterNode.State.DOWN) {
        ids.add(n.id);
      }
    }
    return ids;
  }

  /**
   * Restarts and inits every node the nemesis killed.
   *
   * @return each restarted node's id to {@code started} or why it did not come up
   */
  public Map<String, String> restartDown() {
    List<ClusterNode> down = new ArrayList<>();
    for (ClusterNode n : nodes) {
      if (n.state == ClusterNode.State.DOWN) {
        down.add(n);
      }
    }
    Map<String, String> failed = startAndInit(down, true);
    Map<String, String> result = new LinkedHashMap<>();
    for (ClusterNode n : down) {
      result.put(n.id, failed.getOrDefault(n.id, "started"));
    }
    return result;
  }

  /** The nodes' wall clocks, for the clock fault. */
  Clocks clocks() {
    return clocks;
  }

  public void stopAll() {
    stopping = true;
    for (ClusterNode n : nodes) {
      ClusterNode.Proc p = n.proc;
      if (p != null) {
        p.expectedExit = true;
        Processes.killTree(p.process);
      }
    }
  }
}
