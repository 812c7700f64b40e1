package dev.idmint.harness.run;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A kind of process under test, as the cluster starts it and brings it up: a Maelstrom node is sent
 * init over stdin, an HTTP service is polled until it is ready. The cluster does the rest (start,
 * kill, restart, crash and log handling) the same for every kind.
 */
public interface ProcessKind {
  /** Takes on the cluster's instances, before any starts. */
  void attach(ClusterNode[] nodes) throws IOException;

  /** The program and arguments that start instance {@code n}. */
  List<String> command(ClusterNode n);

  /** Adds what instance {@code n} finds in its environment. */
  void environment(ClusterNode n, Map<String, String> env);

  /** Whether the harness reads the processes' stdout; if not, it goes to the log with stderr. */
  boolean readsStdout();

  /** A process of {@code n} started: from now on it may be read. */
  default void started(ClusterNode n, ClusterNode.Proc p) {}

  /**
   * Asks a started process to come up and completes {@code p.up} with its first answer.
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

  /** {@code n} came up: what waits to be written to it may go. */
  default void wake(ClusterNode n) {}
}
