package dev.idmint.harness.http;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.Ports;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.ProcessKind;
import dev.idmint.harness.run.UpPoll;
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

  /** With {@code --registry}, where the instances lease workers from; else null. */
  private final Config.Registry registry;

  /** With {@code --registry}, each instance's etcd members (its own proxies to them). */
  private String[] registryUrls = new String[0];

  private int[] ports = new int[0];
  private Path[] states = new Path[0];

  /** Each instance's last readiness answer, for the reason it did not come up. */
  private AtomicReferenceArray<String> readiness = new AtomicReferenceArray<>(0);

  private volatile boolean stopping;

  /**
   * @param command the service and its arguments, which may hold {@code {port}}, {@code {index}},
   *     {@code {node}}, {@code {state}} and, with a registry, {@code {registry}}
   * @param registry with {@code --registry}, where the instances lease workers from; else null
   */
  HttpInstances(List<String> command, Path runDir, Config.Registry registry) {
    this.command = command;
    this.stateRoot = runDir.resolve("state");
    this.registry = registry;
  }

  /** With {@code --registry}: each instance's etcd, set before any instance starts. */
  void registryUrls(String[] urls) {
    registryUrls = urls.clone();
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

  /**
   * With a registry: waits until {@code count} instances answer {@code GET /readyz} 200, at most 10
   * s plus the TTL. Instances beyond the workers there are stand by (up, unready); if fewer than
   * {@code count} are ready in time, it says so, and the load begins anyway: the instances are
   * judged by what they answer.
   */
  void awaitReady(int count, long ttlMs, Console console) {
    long deadline = System.nanoTime() + Cluster.INIT_TIMEOUT_NANOS + ttlMs * 1_000_000;
    int ready = 0;
    while (!stopping) {
      ready = 0;
      for (int i = 0; i < ports.length; i++) {
        try {
          ready +=
              HttpGet.status(new InetSocketAddress("127.0.0.1", ports[i]), "/readyz") == 200
                  ? 1
                  : 0;
        } catch (IOException e) {
          // not ready
        }
      }
      if (ready >= count || System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(READY_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (ready < count) {
      console.println(
          "idmint test: only "
              + ready
              + " of the "
              + count
              + " instances there are workers for became ready (GET /readyz) within 10 s plus"
              + " the registry TTL; the load begins anyway");
    }
  }

  /** No more readiness polls: the run is ending. */
  void stop() {
    stopping = true;
  }

  /**
   * The command with {@code {port}}, {@code {index}}, {@code {node}} and {@code {state}} filled,
   * and {@code {registry}} with a registry.
   */
  @Override
  public List<String> command(ClusterNode n) {
    List<String> cmd = new ArrayList<>();
    for (String a : command) {
      String arg =
          a.replace("{port}", Integer.toString(ports[n.index]))
              .replace("{index}", Integer.toString(n.index))
              .replace("{node}", n.id)
              .replace("{state}", states[n.index].toString());
      cmd.add(registry == null ? arg : arg.replace("{registry}", registryUrls[n.index]));
    }
    return cmd;
  }

  /**
   * The instance's settings in its environment. With a registry, it gets no worker id and no state
   * dir (not even those the harness itself was started with): the registry keeps each worker's
   * time, and {@code idmint serve} refuses a state dir with it. It gets the registry and its
   * instance name instead; {@code {state}} still names a dir of its own.
   */
  @Override
  public void environment(ClusterNode n, Map<String, String> env) {
    env.put("IDMINT_PORT", Integer.toString(ports[n.index]));
    env.put("IDMINT_NODE", n.id);
    if (registry == null) {
      env.put("IDMINT_WORKER_ID", Integer.toString(n.index));
      env.put("IDMINT_STATE_DIR", states[n.index].toString());
      return;
    }
    env.remove("IDMINT_WORKER_ID");
    env.remove("IDMINT_STATE_DIR");
    env.put("IDMINT_REGISTRY", registryUrls[n.index]);
    env.put("IDMINT_FLEET", registry.fleet());
    env.put("IDMINT_INSTANCE", n.id);
    env.put("IDMINT_REGISTRY_TTL_MS", Long.toString(registry.ttlMs()));
    if (registry.workerIds() != null) {
      env.put("IDMINT_WORKER_IDS", registry.workerIds());
    } else {
      env.remove("IDMINT_WORKER_IDS");
    }
  }

  @Override
  public boolean readsStdout() {
    return false;
  }

  /**
   * Polls {@code GET /readyz} on the instance's own port (not through its proxy) until 200. With a
   * registry, {@code GET /healthz} answering 200 will do too: an instance that serves but holds no
   * worker (none is free, or etcd is cut off) is up, and unready is what it should say.
   */
  @Override
  public long bringUp(ClusterNode n, ClusterNode.Proc p) {
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", ports[n.index]);
    readiness.set(n.index, "was never reachable");
    return UpPoll.start(
        n,
        p,
        READY_POLL_MILLIS,
        () -> stopping,
        () -> {
          try {
            int status = HttpGet.status(at, "/readyz");
            if (status == 200 || registry != null && HttpGet.status(at, "/healthz") == 200) {
              return true;
            }
            readiness.set(
                n.index,
                "last answered "
                    + status
                    + (registry == null ? "" : ", and GET /healthz did not answer 200"));
          } catch (IOException e) {
            readiness.set(n.index, "last failed: " + e.getMessage());
          }
          return false;
        });
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
