package dev.idmint.harness.run;

/**
 * How the workload's workers reach the instances: each worker is a client of the transport, which
 * sends its requests and completes them through {@link Workload#complete}.
 */
public interface Clients {
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

  /**
   * The instance worker {@code w} sends its next request to, now that its last one ended with
   * {@code type} ({@link Op#OK}, {@link Op#INFO} or {@link Op#FAIL}).
   */
  int next(Workload.Worker w, int type);

  /** Compiles the per-request code before the measured window. */
  void warmUp();
}
