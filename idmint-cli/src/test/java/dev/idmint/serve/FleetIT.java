package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of three real instances behind a real HAProxy started from {@code deploy/haproxy.cfg}:
 * IDs unique across the fleet, and an instance killed and restarted behind the balancer; with
 * worker ids given, and leased from etcd.
 */
@Timeout(180)
class FleetIT {
  private static final Pattern ID = Pattern.compile("\"([0-9]+)\"");

  @TempDir Path tmp;
  private final List<ServeProcess> instances = new ArrayList<>();
  private Process haproxy;

  @AfterEach
  void stop() throws InterruptedException {
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    instances.forEach(ServeProcess::close);
  }

  private ServeProcess instance(int worker) throws IOException {
    return ServeProcess.start(
        tmp.resolve("w" + worker + "-" + System.nanoTime() + ".log"),
        Map.of(),
        "--worker-id",
        "" + worker,
        "--state-dir",
        tmp.resolve("state").toString());
  }

  /** deploy/haproxy.cfg with its server lines replaced by ours, bound to a free port. */
  private InetSocketAddress startHaproxy(Path haproxyBin, List<Integer> ports) throws Exception {
    String cfg = Files.readString(ServeProcess.ROOT.resolve("deploy/haproxy.cfg"));
    StringBuilder servers = new StringBuilder("# BEGIN servers\n");
    for (int i = 0; i < ports.size(); i++) {
      servers
          .append("    server w")
          .append(i)
          .append(" 127.0.0.1:")
          .append(ports.get(i))
          .append('\n');
    }
    String filled =
        cfg.replaceFirst(
            "(?s)# BEGIN servers\n.*?    # END servers", servers + "    # END servers");
    assertTrue(filled.contains("127.0.0.1:" + ports.get(0)), filled);
    Path file = Files.writeString(tmp.resolve("haproxy.cfg"), filled);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(haproxyBin.toString(), "-db", "-f", file.toString());
    pb.environment().put("IDMINT_LB_BIND", "127.0.0.1:" + port);
    haproxy =
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("haproxy.log").toFile()).start();
    InetSocketAddress lb = new InetSocketAddress("127.0.0.1", port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (RawClient c = new RawClient(lb)) {
        if (c.get("/v1/ids").status() == 200) {
          return lb;
        }
      } catch (IOException e) {
        assertTrue(
            haproxy.isAlive(), "haproxy exited:\n" + ServeProcess.read(tmp.resolve("haproxy.log")));
        assertTrue(System.nanoTime() < deadline, "haproxy never answered: " + e);
      }
      ServeProcess.sleep(50);
    }
  }

  /** {@code n} requests of 10 IDs through the balancer; returns the IDs, counting failures. */
  private static List<Long> fetch(InetSocketAddress lb, int n, int[] failures) throws IOException {
    List<Long> ids = new ArrayList<>();
    RawClient c = new RawClient(lb);
    try {
      for (int i = 0; i < n; i++) {
        HttpResponses.Response r;
        try {
          r = c.get("/v1/ids?count=10");
        } catch (IOException e) {
          failures[0]++;
          c.close();
          c = new RawClient(lb);
          continue;
        }
        if (r.status() != 200) {
          failures[0]++;
          continue;
        }
        Matcher m = ID.matcher(r.body());
        while (m.find()) {
          ids.add(Long.parseLong(m.group(1)));
        }
      }
    } finally {
      c.close();
    }
    return ids;
  }

  private static Set<Integer> workers(List<Long> ids) {
    Set<Integer> w = new HashSet<>();
    ids.forEach(id -> w.add(new SnowflakeId(id).worker()));
    return w;
  }

  @Test
  void threeInstancesBehindHaproxy_uniqueIds_andAKilledInstanceIsRoutedAround() throws Exception {
    Path haproxyBin = Tools.command("haproxy", "apt-get install haproxy");
    for (int w = 0; w < 3; w++) {
      instances.add(instance(w));
    }
    InetSocketAddress lb =
        startHaproxy(haproxyBin, instances.stream().map(s -> s.address.getPort()).toList());
    int[] failures = {0};
    List<Long> all = new ArrayList<>(fetch(lb, 300, failures));
    assertEquals(0, failures[0]);
    assertEquals(Set.of(0, 1, 2), workers(all), "round robin reaches every instance");

    // Kill worker 1: the balancer retries elsewhere, then takes it out of rotation.
    int killedPort = instances.get(1).address.getPort();
    instances.get(1).kill();
    List<Long> during = fetch(lb, 300, failures);
    assertTrue(failures[0] <= 3, failures[0] + " failed requests while an instance was down");
    all.addAll(during);
    List<Long> tail = during.subList(during.size() / 2, during.size());
    assertTrue(!workers(tail).contains(1), "IDs from the killed worker");

    // Restart it on the same port, worker and state: it comes back into rotation.
    ServeProcess again =
        ServeProcess.start(
            tmp.resolve("w1-again.log"),
            Map.of(),
            "--worker-id",
            "1",
            "--state-dir",
            tmp.resolve("state").toString(),
            "--port",
            "" + killedPort);
    instances.add(again);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<Long> after;
    do {
      after = fetch(lb, 30, failures);
      all.addAll(after);
    } while (!workers(after).contains(1) && System.nanoTime() < deadline);
    assertTrue(workers(after).contains(1), "the restarted instance never came back");
    assertEquals(all.size(), new HashSet<>(all).size(), "duplicate IDs across the fleet");
    System.out.println(
        "fleet: " + all.size() + " IDs, all unique; " + failures[0] + " failed requests in all");
  }

  /**
   * deploy/haproxy.cfg in front of instances that lease their workers from etcd: nothing in it is
   * per worker. An instance stopped with SIGTERM under load fails no request through the balancer,
   * releases its worker, and a new instance on its address takes that worker back into rotation.
   */
  @Test
  void registryFleetBehindHaproxy_stoppedInstanceFailsNoRequest_andANewOneTakesItsWorker()
      throws Exception {
    Path haproxyBin = Tools.command("haproxy", "apt-get install haproxy");
    dev.idmint.etcd.EtcdCluster.requireEtcd();
    try (dev.idmint.etcd.EtcdCluster etcd =
        dev.idmint.etcd.EtcdCluster.start(Files.createDirectories(tmp.resolve("etcd")), 3)) {
      for (int i = 0; i < 3; i++) {
        instances.add(leased(etcd.url(), "i" + i, "0"));
      }
      for (ServeProcess s : instances) {
        awaitReady(s);
      }
      InetSocketAddress lb =
          startHaproxy(haproxyBin, instances.stream().map(s -> s.address.getPort()).toList());
      int[] failures = {0};
      List<Long> all = new ArrayList<>(fetch(lb, 300, failures));
      assertEquals(Set.of(0, 1, 2), workers(all), "three leased workers, all in rotation");

      ServeProcess stopped = instances.get(1);
      int port = stopped.address.getPort();
      java.util.concurrent.CompletableFuture<List<Long>> during =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return fetch(lb, 600, failures);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      Thread.sleep(200);
      stopped.process.destroy(); // SIGTERM: drains, then releases its worker
      assertEquals(0, stopped.waitFor(30), stopped.stderr());
      all.addAll(during.get());
      assertEquals(0, failures[0], "requests failed while an instance stopped");
      Matcher released =
          Pattern.compile("registry: released worker ([0-9]+)").matcher(stopped.stderr());
      assertTrue(released.find(), stopped.stderr());

      ServeProcess again = leased(etcd.url(), "i3", "" + port);
      instances.add(again);
      awaitReady(again);
      assertTrue(
          again.get("/v1/info").body().contains("\"worker\":" + released.group(1) + ","),
          "the new instance took the freed worker");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      List<Long> after;
      do {
        after = fetch(lb, 30, failures);
        all.addAll(after);
      } while (workers(after).size() < 3 && System.nanoTime() < deadline);
      assertEquals(Set.of(0, 1, 2), workers(after), "the new instance is in rotation");
      assertEquals(all.size(), new HashSet<>(all).size(), "duplicate IDs across the fleet");
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      haproxy = null;
      for (ServeProcess s : instances) {
        s.close(); // before etcd stops
      }
    }
  }

  private ServeProcess leased(String url, String name, String port) throws IOException {
    return ServeProcess.start(
        tmp.resolve(name + ".log"),
        Map.of(),
        "--registry",
        url,
        "--fleet",
        "lb",
        "--instance",
        name,
        "--worker-ids",
        "0-2",
        "--registry-ttl-ms",
        "2000",
        "--port",
        port);
  }

  private static void awaitReady(ServeProcess s) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (s.get("/readyz").statusCode() != 200) {
      assertTrue(System.nanoTime() < deadline, "never ready:\n" + s.stderr());
      Thread.sleep(50);
    }
  }
}
