package dev.idmint.harness.registry;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.SetupFailure;
import dev.idmint.harness.run.Cluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The etcd cluster a {@code --registry etcd} run leases worker ids from: {@link
 * Config.Registry#MEMBERS} real {@code etcd} processes on 127.0.0.1, run by a {@link Cluster} as
 * the instances are, so that the registry fault kills and restarts them the same way. Data dirs are
 * {@code <run>/etcd/<member>/}, logs {@code <run>/node-logs/<member>.log}.
 */
public final class Etcd {
  private final Cluster cluster;
  private final EtcdMembers members;
  private final Gateway gateway;
  private final Path data;

  /** The member that answered the last read, asked first next time. */
  private volatile int preferred;

  private Etcd(Cluster cluster, EtcdMembers members, Gateway gateway, Path data) {
    this.cluster = cluster;
    this.members = members;
    this.gateway = gateway;
    this.data = data;
  }

  /**
   * Starts the members and waits until each is healthy (the cluster has a leader).
   *
   * @throws SetupFailure if they do not come up: the harness failed, not the service
   */
  public static Etcd start(Config.Registry registry, Path runDir, Console console)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < Config.Registry.MEMBERS; i++) {
      names.add("etcd" + i);
    }
    Path data = Files.createDirectories(runDir.resolve("etcd"));
    Gateway gateway = new Gateway();
    EtcdMembers members = new EtcdMembers(registry.etcd(), data, gateway);
    Cluster cluster = Cluster.helpers(names, data, runDir.resolve("node-logs"), members, console);
    Etcd etcd = new Etcd(cluster, members, gateway, data);
    Map<String, String> failed = cluster.startAndInit(List.of(cluster.nodes), false);
    if (!failed.isEmpty()) {
      etcd.stop();
      Map.Entry<String, String> first = failed.entrySet().iterator().next();
      throw new SetupFailure(
          "etcd would not start: "
              + first.getKey()
              + " "
              + first.getValue()
              + " (its log: node-logs/"
              + first.getKey()
              + ".log)");
    }
    return etcd;
  }

  /** The members' names, {@code etcd0 ..}. */
  public List<String> names() {
    return cluster.ids();
  }

  /** Member {@code m}'s client port, where the instances' proxies relay to. */
  public int clientPort(int m) {
    return members.clientPort(m);
  }

  /** Every member, as the harness itself reaches them: {@code etcd://127.0.0.1:P,...}. */
  public String url() {
    List<String> hosts = new ArrayList<>();
    for (int m = 0; m < cluster.nodes.length; m++) {
      hosts.add("127.0.0.1:" + clientPort(m));
    }
    return "etcd://" + String.join(",", hosts);
  }

  /** SIGKILLs member {@code m}; false if it was down already. */
  public boolean kill(int m) {
    return cluster.kill(m);
  }

  /** Restarts every member that was killed; each one's name to {@code started} or why not. */
  public Map<String, String> restartDown() {
    return cluster.restartDown();
  }

  /** A member that exited on its own or did not come back, in words; null if none. */
  public String failure() {
    Cluster.Health h = cluster.health();
    if (!h.crashes().isEmpty()) {
      Cluster.Crash c = h.crashes().get(0);
      return "etcd member " + c.node() + " exited on its own with status " + c.exitCode();
    }
    if (!h.initFailures().isEmpty()) {
      Cluster.InitFailure f = h.initFailures().get(0);
      return "etcd member " + f.node() + " did not come back after a restart: " + f.reason();
    }
    return null;
  }

  /**
   * The keys under {@code prefix}, from the first member that answers (the members themselves, not
   * through any instance's proxy).
   *
   * @throws IOException if none does
   */
  List<Gateway.Kv> range(String prefix) throws IOException, InterruptedException {
    IOException last = null;
    int n = cluster.nodes.length;
    for (int i = 0; i < n; i++) {
      int m = (preferred + i) % n;
      try {
        List<Gateway.Kv> kvs = gateway.range(clientPort(m), prefix);
        preferred = m;
        return kvs;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  Gateway gateway() {
    return gateway;
  }

  /**
   * Kills every member, and removes their data dirs: etcd preallocates 128 MB of log per member,
   * and what the run read of the keys is in results.json. Idempotent.
   */
  public void stop() {
    members.stop();
    cluster.stopAll();
    for (String member : cluster.ids()) {
      try (Stream<Path> files = Files.walk(data.resolve(member))) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException | UncheckedIOException e) {
        // gone already, or left for the user: the run is over either way
      }
    }
  }
}
