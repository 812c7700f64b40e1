package dev.idmint.harness.http;

import dev.idmint.harness.platform.Ports;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.ProcessKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HTTP ID services as the cluster runs them: each instance listens on a loopback port of its own,
 * with a state dir of its own, both kept across restarts, and is up once {@code GET /readyz}
 * answers 200.
 */
final class HttpInstances implements ProcessKind {
  /** How often readiness is polled while an instance comes up. */
  static final long READY_POLL_MILLIS = 20;

  private final List<String> command;
  private final Path stateRoot;
  private int[] ports = new int[0];
  private Path[] states = new Path[0];

  /** Each instance's last readiness answer, for the reason it did not come up. */
  private AtomicReferenceArray<String> readiness = new AtomicReferenceArray<>(0);

  private volatile boolean stopping;

  /**
   * @param command the service and its arguments, which may hold {@code {port}}, {@code {index}},
   *     {@code {node}} and {@code {state}}
   */
  HttpInstances(List<String> command, Path runDir) {
    this.command = command;
    this.stateRoot = runDir.resolve("state");
  }

  @Override
  public void attach(ClusterNode[] nodes) throws IOException {
    ports = new int[nodes.length];
    states = new Path[nodes.length];
    readiness = new AtomicReferenceArray<>(nodes.length);
    for (ClusterNode n : nodes) {
      ports[n.index] = Ports.free();
      states[n.index] = Files.createDirectories(stateRoot.resolve(n.id));
    }
  }

  /** Instance {@code i}'s own port, which its proxy relays to. */
  int port(int i) {
    return ports[i];
  }

  /** No more readiness polls: the run is ending. */
  void stop() {
    stopping = true;
  }

  /**
   * The command with {@code {port}}, {@code {index}}, {@code {node}} and {@code {state}} filled.
   */
  @Override
  public List<String> command(ClusterNode n) {
    List<String> cmd = new ArrayList<>();
    for (String a : command) {
      cmd.add(
          a.replace("{port}", Integer.toString(ports[n.index]))
              .replace("{index}", Integer.toString(n.index))
              .replace("{node}", n.id)
              .replace("{state}", states[n.index].toString()));
    }
    return cmd;
  }

  @Override
  public void environment(ClusterNode n, Map<String, String> env) {
    env.put("IDMINT_PORT", Integer.toString(ports[n.index]));
    env.put("IDMINT_WORKER_ID", Integer.toString(n.index));
    env.put("IDMINT_NODE", n.id);
    env.put("IDMINT_STATE_DIR", states[n.index].toString());
  }

  @Override
  public boolean readsStdout() {
    return false;
  }

  /** Polls {@code GET /readyz} on the instance's own port (not through its proxy) until 200. */
  @Override
  public long bringUp(ClusterNode n, ClusterNode.Proc p) {
    long start = System.nanoTime();
    long deadline = start + Cluster.INIT_TIMEOUT_NANOS;
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", ports[n.index]);
    readiness.set(n.index, "was never reachable");
    Thread poller =
        new Thread(
            () -> {
              while (!p.up.isDone() && !stopping && System.nanoTime() < deadline) {
                try {
                  int status = HttpGet.status(at, "/readyz");
                  if (status == 200) {
                    p.up.complete(status);
                    return;
                  }
                  readiness.set(n.index, "last answered " + status);
                } catch (IOException e) {
                  readiness.set(n.index, "last failed: " + e.getMessage());
                }
                try {
                  Thread.sleep(READY_POLL_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "ready-" + n.id + "-" + p.incarnation);
    poller.setDaemon(true);
    poller.start();
    return start;
  }

  @Override
  public String notUp(Object answer) {
    return null; // only a 200 completes the wait
  }

  @Override
  public String upTimedOut(ClusterNode n) {
    return "was not ready within 10 s (GET /readyz on port "
        + ports[n.index]
        + " "
        + readiness.get(n.index)
        + ")";
  }

  @Override
  public String exitedBeforeUp(int status) {
    return "exited with status " + status + " before it was ready";
  }
}
