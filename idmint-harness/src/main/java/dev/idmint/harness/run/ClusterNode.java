package dev.idmint.harness.run;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One instance of the cluster (a Maelstrom node or an HTTP service) across its restarts: its state,
 * its current process and its log.
 */
public final class ClusterNode {
  public enum State {
    /** Process started, not up yet: a node has no init_ok, a service is not ready. */
    STARTING,
    UP,
    /** Killed by the nemesis; waits for the restart. */
    DOWN,
    /** Exited on its own. */
    CRASHED,
    /** Did not come up. */
    FAILED
  }

  /** One process of this instance. */
  public static final class Proc {
    public final Process process;
    public final OutputStream stdin;
    public final int incarnation;

    /** Set before the nemesis or the teardown kills it: its exit is not a crash. */
    public volatile boolean expectedExit;

    /**
     * Completed by the transport with the process's first answer to being brought up (a node's
     * reply to init, a service's readiness), or exceptionally when it exits.
     */
    public final CompletableFuture<Object> up = new CompletableFuture<>();

    /** With --log-stderr, the thread copying its stderr to the log and the terminal; else null. */
    volatile Thread stderrCopier;

    Proc(Process process, int incarnation) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.incarnation = incarnation;
    }
  }

  public final int index;
  public final String id;
  final Path log;

  /**
   * Guards state changes that stop or start the process, and (for a node) writes to its stdin, so
   * that nothing is written to a process once it is being killed.
   */
  public final ReentrantLock lock = new ReentrantLock();

  public volatile State state = State.STARTING;
  public volatile Proc proc;

  int starts;

  public ClusterNode(int index, String id, Path log) {
    this.index = index;
    this.id = id;
    this.log = log;
  }
}
