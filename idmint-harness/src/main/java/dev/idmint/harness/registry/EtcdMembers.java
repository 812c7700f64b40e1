package dev.idmint.harness.registry;

import dev.idmint.harness.platform.Ports;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.ProcessKind;
import dev.idmint.harness.run.UpPoll;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * etcd members as the cluster runs them: each on a client and a peer port of its own on 127.0.0.1
 * (kept across restarts, below the ephemeral range as the instances' are), with a data dir of its
 * own, up once {@code GET /health} says the cluster has a leader. A restarted member rejoins with
 * its data ({@code --initial-cluster-state existing}).
 */
final class EtcdMembers implements ProcessKind {
  /** How often health is polled while a member comes up. */
  static final long HEALTH_POLL_MILLIS = 50;

  private final Path etcd;
  private final Path dataRoot;
  private final Gateway gateway;

  /** One token per run: members of two runs on one machine never join each other. */
  private final String token = "idmint-test-" + Long.toHexString(System.nanoTime());

  private int[] clientPorts = new int[0];
  private int[] peerPorts = new int[0];
  private String[] names = new String[0];
  private AtomicReferenceArray<String> health = new AtomicReferenceArray<>(0);
  private volatile boolean stopping;

  EtcdMembers(Path etcd, Path dataRoot, Gateway gateway) {
    this.etcd = etcd;
    this.dataRoot = dataRoot;
    this.gateway = gateway;
  }

  @Override
  public void attach(ClusterNode[] nodes) throws IOException {
    clientPorts = new int[nodes.length];
    peerPorts = new int[nodes.length];
    names = new String[nodes.length];
    health = new AtomicReferenceArray<>(nodes.length);
    for (ClusterNode n : nodes) {
      clientPorts[n.index] = Ports.free();
      peerPorts[n.index] = Ports.free();
      names[n.index] = n.id;
    }
  }

  int clientPort(int member) {
    return clientPorts[member];
  }

  /** No more health polls: the run is ending. */
  void stop() {
    stopping = true;
  }

  @Override
  public List<String> command(ClusterNode n) {
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      peers.add(names[i] + "=http://127.0.0.1:" + peerPorts[i]);
    }
    String client = "http://127.0.0.1:" + clientPorts[n.index];
    String peer = "http://127.0.0.1:" + peerPorts[n.index];
    return List.of(
        etcd.toString(),
        "--name",
        n.id,
        "--data-dir",
        dataRoot.resolve(n.id).toString(),
        "--listen-client-urls",
        client,
        "--advertise-client-urls",
        client,
        "--listen-peer-urls",
        peer,
        "--initial-advertise-peer-urls",
        peer,
        "--initial-cluster",
        String.join(",", peers),
        // A restarted member has its data: it rejoins rather than founding the cluster again.
        "--initial-cluster-state",
        n.proc == null ? "new" : "existing",
        "--initial-cluster-token",
        token,
        "--logger",
        "zap",
        "--log-outputs",
        "stderr");
  }

  /** The members take their settings from their flags alone, not from the harness's ETCD_*. */
  @Override
  public void environment(ClusterNode n, Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("ETCD_"));
  }

  @Override
  public boolean readsStdout() {
    return false;
  }

  /** Polls {@code GET /health} until the member says the cluster has a leader. */
  @Override
  public long bringUp(ClusterNode n, ClusterNode.Proc p) {
    health.set(n.index, "was never reachable");
    return UpPoll.start(
        n,
        p,
        HEALTH_POLL_MILLIS,
        () -> stopping,
        () -> {
          if (gateway.healthy(clientPorts[n.index])) {
            return true;
          }
          health.set(n.index, "had no leader, or did not answer");
          return false;
        });
  }

  @Override
  public String notUp(Object answer) {
    return null; // only a healthy answer completes the wait
  }

  @Override
  public String upTimedOut(ClusterNode n) {
    return "was not healthy within 10 s (GET /health on port "
        + clientPorts[n.index]
        + " "
        + health.get(n.index)
        + ")";
  }

  @Override
  public String exitedBeforeUp(int status) {
    return "exited with status " + status + " before it was healthy";
  }
}
