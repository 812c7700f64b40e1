package dev.idmint.harness.run;

import java.util.function.BooleanSupplier;

/**
 * Bringing up a process by asking it until it says it is up, on a thread of its own, for kinds of
 * process that answer a poll (an HTTP service's readiness, an etcd member's health) rather than a
 * message.
 */
public final class UpPoll {
  private UpPoll() {}

  /** One look at the process: whether it is up; if not, it notes why in its own words. */
  public interface Look {
    boolean up() throws InterruptedException;
  }

  /**
   * Looks every {@code periodMillis} until {@code look} says the process is up (completing {@code
   * p.up}), it exits, {@code stopping} says the run is ending, or the cluster's 10 s are over.
   *
   * @return when the wait began (nanoTime), as {@link ProcessKind#bringUp} returns it
   */
  public static long start(
      ClusterNode n, ClusterNode.Proc p, long periodMillis, BooleanSupplier stopping, Look look) {
    long start = System.nanoTime();
    long deadline = start + Cluster.INIT_TIMEOUT_NANOS;
    Thread poller =
        new Thread(
            () -> {
              try {
                while (!p.up.isDone() && !stopping.getAsBoolean() && System.nanoTime() < deadline) {
                  if (look.up()) {
                    p.up.complete(true);
                    return;
                  }
                  Thread.sleep(periodMillis);
                }
              } catch (InterruptedException e) {
                // the run is ending
              }
            },
            "up-" + n.id + "-" + p.incarnation);
    poller.setDaemon(true);
    poller.start();
    return start;
  }
}
