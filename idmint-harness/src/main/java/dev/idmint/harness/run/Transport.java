package dev.idmint.harness.run;

import dev.idmint.harness.plan.NemesisPlan;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * How the harness reaches what it tests: Maelstrom messages over each node's stdin and stdout
 * ({@link Network}), or HTTP through loopback proxies the harness owns ({@link HttpTransport}). The
 * cluster starts, kills and restarts the processes, the workload plans requests and times them out,
 * the nemesis plans the faults; the transport does whatever depends on the wire.
 */
public interface Transport {
  // ---- processes, for the cluster

  /** Takes on the cluster's instances, before any starts. */
  void attach(ClusterNode[] nodes) throws IOException;

  /** The program and arguments that start instance {@code n}. */
  List<String> command(ClusterNode n);

  /** Adds what instance {@code n} finds in its environment. */
  void environment(ClusterNode n, Map<String, String> env);

  /** Whether the harness reads the processes' stdout; if not, it goes to the log with stderr. */
  boolean readsStdout();

  /** A process of {@code n} started: from now on it may be read. */
  void started(ClusterNode n, ClusterNode.Proc p);

  /**
   * Asks a started process to come up (a node is sent init; a service's readiness is polled) and
   * completes {@code p.up} with its first answer.
   *
   * @return when the wait for the answer begins (nanoTime)
   */
  long bringUp(ClusterNode n, ClusterNode.Proc p);

  /** Why {@code answer}, from {@code p.up}, does not mean the process is up; null if it does. */
  String notUp(Object answer);

  /** Why a process of {@code n} is not up when no answer came in time. */
  String upTimedOut(ClusterNode n);

  /** Why a process is not up when it exited before answering. */
  String exitedBeforeUp(int status);

  /** The cluster stopped writing to node {@code n}'s process, e.g. before a kill. */
  default void wake(ClusterNode n) {}

  // ---- clients, for the workload

  /** The instance worker {@code w} sends to first: Jepsen binds worker i to node i mod n. */
  default int home(int w, int nodeCount) {
    return w % nodeCount;
  }

  /** Takes on a worker; returns its client id. */
  String addWorker(Workload workload, Workload.Worker w);

  /** Sends {@code op}'s request; its completion comes back through {@link Workload#complete}. */
  void send(Workload.Worker w, Op op);

  /** {@code op} timed out: whatever carried it can no longer be trusted to carry the next one. */
  void timedOut(Workload.Worker w, Op op);

  /** The instance a worker uses after an info; Maelstrom's clients stay bound to theirs. */
  int afterInfo(int instance);

  /** Compiles the per-request code before the measured window. */
  void warmUp();

  // ---- faults, for the nemesis

  /** Starts or heals a partition. */
  Nemesis.Effect partition(NemesisPlan.Event e);

  /** Starts or stops loss. */
  Nemesis.Effect loss(boolean on);

  // ---- the run

  /** Starts what the run needs besides the instances (Maelstrom's services). */
  void start() throws IOException;

  /** Starts what sits between the clients and the instances once they are up (a balancer). */
  default void instancesUp() throws IOException {}

  /** Stops everything the transport started; idempotent. */
  void stop();

  boolean stopping();

  Stats stats();

  /** What the transport saw, as the checkers and the report read it. */
  interface Stats {
    List<Violation> violations();

    long violationCount();

    /** Adds the transport's sections to results.json, in place of Maelstrom's {@code net}. */
    void addResults(Map<String, Object> results, int attempted);

    /** The transport's lines of the summary, after the nemesis line. */
    List<String> summary();

    /** What broke in the transport itself (e.g. the balancer died), or null. */
    default String failure() {
      return null;
    }
  }
}
