package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.etcd.EtcdCluster;
import dev.idmint.etcd.TcpProxy;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/idmint serve --registry}: real serve processes leasing workers from a real 3-member
 * etcd cluster on loopback, spoken to over HTTP. Each test has a fleet of its own on one cluster.
 */
@Timeout(240)
class RegistryServeIT {
  static final long TTL = 2000;
  static final long EPOCH = 1704067200000L; // the snowflake epoch, 2024-01-01
  private static final Pattern WORKER = Pattern.compile("\"worker\":([0-9]+)");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  @TempDir static Path clusterDir;
  static EtcdCluster cluster;

  @TempDir Path tmp;
  String fleet;
  final List<ServeProcess> started = new ArrayList<>();
  final List<TcpProxy> proxies = new ArrayList<>();
  private int launches;

  @BeforeAll
  static void startCluster() throws Exception {
    EtcdCluster.requireEtcd();
    cluster = EtcdCluster.start(clusterDir, 3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void fleet() {
    fleet = "t" + Long.toHexString(System.nanoTime());
  }

  @AfterEach
  void stopAll() throws Exception {
    for (ServeProcess s : started) {
      if (s.process.isAlive()) {
        EtcdCluster.signal(s.process.pid(), "CONT"); // a stopped process dies only once resumed
      }
      s.close();
    }
    proxies.forEach(TcpProxy::close);
  }

  /** Serve on {@code url} as {@code instance} in this test's fleet, with a 2 s TTL. */
  ServeProcess serve(String url, String instance, String... args) throws IOException {
    return serve(url, instance, Map.of(), args);
  }

  ServeProcess serve(String url, String instance, Map<String, String> env, String... args)
      throws IOException {
    List<String> a = new ArrayList<>(List.of("--registry", url, "--fleet", fleet));
    a.addAll(List.of("--instance", instance));
    if (!List.of(args).contains("--registry-ttl-ms")) {
      a.addAll(List.of("--registry-ttl-ms", Long.toString(TTL)));
    }
    a.addAll(List.of(args));
    ServeProcess s =
        ServeProcess.start(
            tmp.resolve(instance + "-" + launches++ + ".log"), env, a.toArray(String[]::new));
    started.add(s);
    return s;
  }

  static void awaitReady(ServeProcess s, long seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    HttpResponse<String> r = s.get("/readyz");
    while (r.statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not ready in " + seconds + " s: " + r.body() + "\n" + s.stderr());
      }
      Thread.sleep(50);
      r = s.get("/readyz");
    }
  }

  /** The worker /v1/info names. */
  static int worker(ServeProcess s) throws IOException {
    String info = s.get("/v1/info").body();
    Matcher m = WORKER.matcher(info);
    assertTrue(m.find(), info);
    return Integer.parseInt(m.group(1));
  }

  /** {@code count} IDs as numbers; fails on anything but 200. */
  static List<Long> ids(ServeProcess s, int count) throws IOException {
    HttpResponse<String> r = s.get("/v1/ids?format=number&count=" + count);
    assertEquals(200, r.statusCode(), r.body());
    return numbers(r.body());
  }

  static List<Long> numbers(String body) {
    List<Long> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(body);
    while (m.find()) {
      out.add(Long.parseLong(m.group()));
    }
    return out;
  }

  static int workerOf(long id) {
    return (int) (id >>> 12) & 1023;
  }

  static long max(List<Long> ids) {
    return Collections.max(ids);
  }

  static long min(List<Long> ids) {
    return Collections.min(ids);
  }

  @Test
  void threeInstances_withoutWorkerIds_getThreeDistinctWorkers_andTheirIdsCarryThem()
      throws Exception {
    List<ServeProcess> fleetOf3 = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      fleetOf3.add(serve(cluster.url(), name));
    }
    Set<Integer> workers = new HashSet<>();
    Set<Long> all = new HashSet<>();
    for (ServeProcess s : fleetOf3) {
      awaitReady(s, 30);
      int w = worker(s);
      workers.add(w);
      for (long id : ids(s, 1000)) {
        assertEquals(w, workerOf(id), "an ID of worker " + w + " carries " + workerOf(id));
        assertTrue(all.add(id), "issued twice: " + id);
      }
      String info = s.get("/v1/info").body();
      assertTrue(info.contains("\"worker_source\":\"registry\""), info);
      assertTrue(info.contains("\"registry\":{\"url\":\"" + cluster.url() + "\""), info);
      assertTrue(info.contains("\"fleet\":\"" + fleet + "\""), info);
      assertTrue(info.contains("\"state\":\"held\""), info);
      assertTrue(info.matches("(?s).*\"owner_revision\":[1-9][0-9]*,\"committed\":\"20.*"), info);
    }
    assertEquals(3, workers.size(), "three instances, three workers: " + workers);
    checkMetrics(fleetOf3.get(0));
  }

  /** /metrics passes promtool, and has the registry's metrics. */
  private void checkMetrics(ServeProcess s) throws Exception {
    String metrics = s.get("/metrics").body();
    ServeProcess.checkWithPromtool(metrics, tmp);
    for (String name :
        List.of(
            "idmint_registry_state{state=\"held\"} 1",
            "idmint_registry_state{state=\"lost\"} 0",
            "idmint_registry_worker " + worker(s),
            "idmint_registry_renewals_total ",
            "idmint_registry_renewal_failures_total 0",
            "idmint_registry_takeovers_total 0",
            "idmint_registry_committed_time_left_seconds ",
            "idmint_registry_since_renewal_seconds ",
            "idmint_registry_renewal_duration_seconds_count ",
            "idmint_state_write_duration_seconds_count ",
            "idmint_service_info{node=\"a\",scheme=\"snowflake\",version=\"0.2.0\",worker=\"registry\"} 1")) {
      assertTrue(metrics.contains(name), name + " missing from\n" + metrics);
    }
  }

  @Test
  void cleanRestart_sameInstance_getsItsWorkerBack_andGoesOnAboveItsIds() throws Exception {
    ServeProcess a = serve(cluster.url(), "a");
    ServeProcess b = serve(cluster.url(), "b");
    awaitReady(a, 30);
    awaitReady(b, 30);
    int wa = worker(a);
    List<Long> before = ids(a, 1000);

    a.process.destroy(); // SIGTERM
    assertEquals(0, a.waitFor(30), a.stderr());
    assertTrue(a.stderr().contains("registry: released worker " + wa), a.stderr());

    ServeProcess again = serve(cluster.url(), "a");
    awaitReady(again, 30);
    assertEquals(wa, worker(again), again.stderr());
    assertTrue(min(ids(again, 1000)) > max(before), "above every ID of its last life");
    assertTrue(worker(b) != wa);
  }

  @Test
  void workerIds0To1_thirdInstanceStaysUnready_untilOneFrees_thenTakesItAboveItsIds()
      throws Exception {
    ServeProcess a = serve(cluster.url(), "a", "--worker-ids", "0-1");
    ServeProcess b = serve(cluster.url(), "b", "--worker-ids", "0-1");
    awaitReady(a, 30);
    awaitReady(b, 30);
    ServeProcess c = serve(cluster.url(), "c", "--worker-ids", "0-1");
    awaitUnready(c, "no free worker in 0-1");
    for (int i = 0; i < 10; i++) {
      assertEquals(200, c.get("/healthz").statusCode());
      HttpResponse<String> ready = c.get("/readyz");
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("no free worker in 0-1"), ready.body());
      Thread.sleep(100);
    }
    HttpResponse<String> refused = c.get("/v1/ids");
    assertEquals(503, refused.statusCode(), refused.body());
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    assertTrue(refused.body().contains("registry: no worker yet"), refused.body());
    assertTrue(c.get("/v1/info").body().contains("\"worker\":null"));

    int wa = worker(a);
    List<Long> freed = ids(a, 2000);
    a.process.destroy(); // SIGTERM: released after the drain
    assertEquals(0, a.waitFor(30), a.stderr());

    awaitReady(c, 30);
    assertEquals(wa, worker(c), c.stderr());
    List<Long> taken = ids(c, 1000);
    assertTrue(min(taken) > max(freed), "above every ID of the worker's last holder");
  }

  /**
   * The pause: a holder SIGSTOPped past its TTL, its worker taken by an instance whose clock is an
   * hour behind, then SIGCONTed and asked for IDs at once.
   */
  @Test
  void holderPausedPastTtl_successorAnHourBehind_issuesOnlyAbove_andTheOldOneTurnsUnready()
      throws Exception {
    ServeProcess old = serve(cluster.url(), "old", "--worker-ids", "3-3");
    awaitReady(old, 30);
    List<Long> oldIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      oldIds.addAll(ids(old, 1000));
    }
    EtcdCluster.signal(old.process.pid(), "STOP");

    Path offset = Files.writeString(tmp.resolve("offset"), "-1h");
    ServeProcess fresh =
        serve(cluster.url(), "new", ServeProcess.faketime(offset), "--worker-ids", "3-3");
    awaitReady(fresh, 60); // once the old holder's lease has run out
    List<Long> newIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      newIds.addAll(ids(fresh, 1000));
    }
    long now = System.currentTimeMillis();
    assertTrue(
        (min(newIds) >>> 22) + EPOCH > now - 60_000,
        "the successor starts after the old holder's time, not at its own clock an hour behind");
    assertTrue(fresh.get("/v1/info").body().contains("\"takeovers\":1"));

    EtcdCluster.signal(old.process.pid(), "CONT");
    List<Long> after = new CopyOnWriteArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    CompletableFuture<?>[] clients = new CompletableFuture<?>[4];
    for (int c = 0; c < clients.length; c++) {
      clients[c] =
          CompletableFuture.runAsync(
              () -> {
                try (RawClient client = new RawClient(old.address)) {
                  for (int k = 0; k < 10; k++) {
                    HttpResponses.Response r = client.get("/v1/ids?format=number&count=1000");
                    if (r.status() == 200) {
                      after.addAll(numbers(r.body()));
                    } else {
                      assertEquals(503, r.status(), r.body());
                      refused.incrementAndGet();
                    }
                  }
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
    }
    CompletableFuture.allOf(clients).get();
    oldIds.addAll(after);
    newIds.addAll(ids(fresh, 1000));

    Set<Long> all = new HashSet<>(oldIds);
    for (long id : newIds) {
      assertTrue(all.add(id), "issued twice: " + id);
    }
    assertTrue(min(newIds) > max(oldIds), "every ID of the successor above every ID of the old");
    assertEquals(40, refused.get() + after.size() / 1000, "every request answered");
    HttpResponse<String> ready = old.get("/readyz");
    assertEquals(503, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("registry: "), ready.body());
    awaitLog(old, "registry: lost worker 3");
  }

  @Test
  void instanceCutOffFromEtcd_stopsWithinTheTtl_successorNeverDuplicates_healedItTakesAWorkerBack()
      throws Exception {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      TcpProxy p = TcpProxy.to(cluster.clientPort(i));
      proxies.add(p);
      members.add("127.0.0.1:" + p.port());
    }
    ServeProcess cut = serve("etcd://" + String.join(",", members), "cut", "--worker-ids", "7-8");
    awaitReady(cut, 30);
    assertEquals(7, worker(cut));
    List<Long> cutIds = new ArrayList<>(ids(cut, 1000));

    long cutAt = System.currentTimeMillis();
    proxies.forEach(TcpProxy::blackhole);
    AtomicLong unreadyAt = new AtomicLong();
    CompletableFuture<?> readiness =
        CompletableFuture.runAsync(
            () -> {
              try {
                while (cut.get("/readyz").statusCode() == 200
                    && System.currentTimeMillis() < cutAt + 20_000) {
                  Thread.sleep(50);
                }
                unreadyAt.set(System.currentTimeMillis());
              } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    long lastIssued = cutAt;
    for (; ; ) {
      HttpResponse<String> r = cut.get("/v1/ids?format=number&count=100");
      if (r.statusCode() != 200) {
        assertEquals(503, r.statusCode(), r.body());
        break;
      }
      cutIds.addAll(numbers(r.body()));
      lastIssued = System.currentTimeMillis();
      assertTrue(lastIssued < cutAt + 20_000, "still issuing 20 s after the cut");
      Thread.sleep(20);
    }
    readiness.get();
    assertTrue(lastIssued - cutAt <= TTL, "issued " + (lastIssued - cutAt) + " ms after the cut");
    assertTrue(
        unreadyAt.get() - cutAt <= TTL + 200,
        "unready " + (unreadyAt.get() - cutAt) + " ms after the cut");
    assertTrue(cut.get("/v1/ids").statusCode() == 503);

    ServeProcess next = serve(cluster.url(), "next", "--worker-ids", "7-7");
    awaitReady(next, 30);
    List<Long> nextIds = ids(next, 1000);
    Set<Long> all = new HashSet<>(cutIds);
    for (long id : nextIds) {
      assertTrue(all.add(id), "issued twice: " + id);
    }
    assertTrue(min(nextIds) > max(cutIds), "the successor's IDs above the cut-off holder's");

    proxies.forEach(TcpProxy::heal);
    awaitReady(cut, 60);
    assertEquals(8, worker(cut), cut.stderr());
    for (long id : ids(cut, 1000)) {
      assertEquals(8, workerOf(id));
    }
    assertEquals(200, next.get("/readyz").statusCode());
  }

  @Test
  void noEtcdAtStart_healthyButUnready_idsAre503NamingTheRegistry_thenReadyOnceItAnswers()
      throws Exception {
    TcpProxy p = TcpProxy.to(cluster.clientPort(0));
    proxies.add(p);
    p.cut(); // every connection refused
    ServeProcess s = serve("etcd://127.0.0.1:" + p.port(), "alone");
    assertEquals(200, s.get("/healthz").statusCode());
    awaitUnready(s, "registry: no worker yet: cannot claim a worker");
    assertEquals(200, s.get("/healthz").statusCode());
    HttpResponse<String> ids = s.get("/v1/ids");
    assertEquals(503, ids.statusCode());
    assertEquals("1", ids.headers().firstValue("Retry-After").orElse(null));
    assertTrue(ids.body().contains("etcd://127.0.0.1:" + p.port()), ids.body());
    String metrics = s.get("/metrics").body();
    assertTrue(metrics.contains("idmint_registry_state{state=\"acquiring\"} 1"), metrics);

    p.heal();
    awaitReady(s, 30);
    assertEquals(1000, ids(s, 1000).size());
    assertTrue(
        s.get("/metrics").body().contains("idmint_registry_state{state=\"held\"} 1"), "held");
  }

  @Test
  void leaderKilledUnderLoad_noRequestFails() throws Exception {
    ServeProcess a = serve(cluster.url(), "a", "--registry-ttl-ms", "10000");
    ServeProcess b = serve(cluster.url(), "b", "--registry-ttl-ms", "10000");
    awaitReady(a, 30);
    awaitReady(b, 30);
    List<Long> all = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicLong afterKill = new AtomicLong();
    long end = System.nanoTime() + 9_000_000_000L;
    long killAt = System.nanoTime() + 2_500_000_000L;
    List<CompletableFuture<?>> clients = new ArrayList<>();
    for (ServeProcess s : List.of(a, b, a, b)) {
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                try (RawClient client = new RawClient(s.address)) {
                  while (System.nanoTime() < end) {
                    HttpResponses.Response r = client.get("/v1/ids?format=number&count=200");
                    if (r.status() != 200) {
                      failures.add(r.status() + " " + r.body());
                    } else {
                      List<Long> got = numbers(r.body());
                      all.addAll(got);
                      if (System.nanoTime() > killAt + 500_000_000L) {
                        afterKill.addAndGet(got.size());
                      }
                    }
                  }
                } catch (IOException e) {
                  failures.add(e.toString());
                }
              }));
    }
    while (System.nanoTime() < killAt) {
      Thread.sleep(10);
    }
    int leader = cluster.leader();
    assertTrue(leader >= 0, "no leader");
    cluster.kill(leader);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
    try {
      assertEquals(List.of(), failures);
      assertEquals(all.size(), new HashSet<>(all).size(), "no ID twice");
      assertTrue(afterKill.get() > 10_000, "IDs went on after the kill: " + afterKill.get());
      assertEquals(200, a.get("/readyz").statusCode());
      assertEquals(200, b.get("/readyz").statusCode());
    } finally {
      cluster.restart(leader);
    }
  }

  @Test
  void badSettings_exit254_sayingWhich() throws Exception {
    String[][] cases = {
      {"--registry", "http://127.0.0.1:2379"},
      {"--registry", cluster.url(), "--registry-ttl-ms", "1500"},
      {"--registry", cluster.url(), "--worker-ids", "7-3"},
      {"--registry", cluster.url(), "--state-dir", tmp.toString()},
      {"--registry", cluster.url(), "--scheme", "hlc"},
      {"--fleet", "orders"},
    };
    String[] says = {
      "etcd://", "registry TTL", "worker ids", "not both", "snowflake", "--registry"
    };
    for (int i = 0; i < cases.length; i++) {
      Path log = tmp.resolve("bad-" + i + ".log");
      Process p =
          ServeProcess.launch(new ProcessBuilder(ServeProcess.command(cases[i])), log, Map.of());
      assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
      String err = ServeProcess.read(log);
      assertEquals(254, p.exitValue(), String.join(" ", cases[i]) + ": " + err);
      assertTrue(err.contains(says[i]), String.join(" ", cases[i]) + ": " + err);
      assertFalse(err.contains("listening on"), err);
    }
  }

  /** Waits until /readyz is 503 saying {@code why}: a claim has failed for that reason. */
  private static void awaitUnready(ServeProcess s, String why) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    HttpResponse<String> r = s.get("/readyz");
    while (!r.body().contains(why)) {
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(System.nanoTime() < deadline, "never unready for '" + why + "': " + r.body());
      Thread.sleep(50);
      r = s.get("/readyz");
    }
    assertEquals(503, r.statusCode(), r.body());
  }

  private static void awaitLog(ServeProcess s, String line) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!s.stderr().contains(line)) {
      assertTrue(System.nanoTime() < deadline, "no '" + line + "' in:\n" + s.stderr());
      Thread.sleep(50);
    }
  }
}
