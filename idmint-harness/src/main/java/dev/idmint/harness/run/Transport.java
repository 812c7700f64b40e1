package dev.idmint.harness.run;

import java.io.IOException;

/**
 * How a run reaches what it tests: Maelstrom messages over each node's stdin and stdout, or HTTP
 * through loopback proxies the harness owns. It is three things to three callers: a kind of process
 * to the cluster, clients to the workload, and the faults that act on the wire to the nemesis.
 */
public interface Transport {
  ProcessKind processes();

  Clients clients();

  /** The partition fault as this wire cuts it; the cluster's faults are kill and clock. */
  FaultAction partition();

  /** The loss fault as this wire loses messages. */
  FaultAction loss();

  /** The registry fault, where the run has a registry (etcd); null where it has none. */
  default FaultAction registry() {
    return null;
  }

  /** Starts what the run needs besides the instances (Maelstrom's services). */
  default void start() throws IOException {}

  /** Starts what sits between the clients and the instances once they are up (a balancer). */
  default void instancesUp() throws IOException {}

  /** Stops everything the transport started; idempotent. */
  void stop();

  TransportStats stats();
}
