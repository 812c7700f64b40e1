package dev.idmint.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the registry hands out workers to a fleet, on a real 3-member cluster. */
class EtcdFleetTest extends OnCluster {

  private EtcdRegistry.Builder instance(String name) {
    return EtcdRegistry.builder(cluster.url())
        .fleet(fleet)
        .instance(name)
        .ttl(Duration.ofSeconds(2));
  }

  private EtcdRegistry registry(String name) {
    return open(instance(name).build());
  }

  private IdGenerator generator(EtcdRegistry registry) {
    return open(
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node(registry.instance())
            .registry(registry)
            .events(e -> {})
            .build());
  }

  @Test
  void threeInstancesWithNoWorker_getThreeDistinctWorkers_andTheirIdsCarryThem() {
    Set<Integer> workers = new HashSet<>();
    Set<Long> ids = new HashSet<>();
    for (String name : List.of("a", "b", "c")) {
      EtcdRegistry registry = registry(name);
      IdGenerator g = generator(registry);
      int worker = registry.status().worker();
      assertEquals(EtcdRegistry.State.HELD, registry.status().state());
      assertTrue(workers.add(worker), "worker " + worker + " given twice: " + workers);
      for (int i = 0; i < 1000; i++) {
        long id = g.nextLong();
        assertEquals(worker, new SnowflakeId(id).worker());
        assertTrue(ids.add(id));
      }
      // The owner key names the instance, the time record the committed time.
      assertTrue(
          Etcd.get(raw, Etcd.ownerKey(fleet, worker)).contains("instance=" + name),
          Etcd.dump(raw, fleet).toString());
      assertTrue(registry.status().committed().isPresent());
    }
    assertEquals(3, workers.size());
  }

  @Test
  void cleanRestart_bySameInstance_getsItsWorkerBack_andOthersLeaveItFree() {
    EtcdRegistry a = registry("a");
    registry("b").claim(Scheme.SNOWFLAKE, "b", -1);
    EtcdClaim first = a.claim(Scheme.SNOWFLAKE, "a", -1);
    int worker = first.worker();
    first.commit(System.currentTimeMillis());
    first.close();
    assertEquals(EtcdRegistry.State.RELEASED, a.status().state());
    assertEquals(null, Etcd.get(raw, Etcd.ownerKey(fleet, worker)), "released at once");

    // Another instance prefers a worker nobody used, leaving a's for a's return.
    EtcdClaim other = registry("c").claim(Scheme.SNOWFLAKE, "c", -1);
    assertNotEquals(worker, other.worker());

    EtcdClaim again = registry("a").claim(Scheme.SNOWFLAKE, "a", -1);
    assertEquals(worker, again.worker());
    assertFalse(again.takeover(), "a clean release is no takeover");
    assertEquals(first.lastCommitted(), again.committed());
  }

  @Test
  void narrowRange_thirdInstanceIsRefused_untilAWorkerFrees() {
    EtcdClaim a = open(instance("a").workerIds("0-1").build()).claim(Scheme.SNOWFLAKE, "a", -1);
    EtcdClaim b = open(instance("b").workerIds("0-1").build()).claim(Scheme.SNOWFLAKE, "b", -1);
    assertEquals(Set.of(0, 1), Set.of(a.worker(), b.worker()));
    EtcdRegistry c = open(instance("c").workerIds("0-1").build());
    IdStateException e =
        assertThrows(IdStateException.class, () -> c.claim(Scheme.SNOWFLAKE, "c", -1));
    assertTrue(e.getMessage().contains("no free worker in 0-1"), e.getMessage());
    assertTrue(e.getMessage().contains("2 held (by a, b)"), e.getMessage());
    assertEquals(EtcdRegistry.State.ACQUIRING, c.status().state());
    b.close();
    assertEquals(b.worker(), c.claim(Scheme.SNOWFLAKE, "c", -1).worker());
  }

  @Test
  void explicitWorker_heldElsewhere_isRefusedNamingTheHolder_andNoLeaseIsLeftBehind() {
    registry("a").claim(Scheme.SNOWFLAKE, "a", 9);
    IdStateException e =
        assertThrows(IdStateException.class, () -> registry("b").claim(Scheme.SNOWFLAKE, "b", 9));
    assertTrue(e.getMessage().contains("worker 9"), e.getMessage());
    assertTrue(e.getMessage().contains("instance 'a'"), e.getMessage());
    assertEquals(List.of(Etcd.ownerKey(fleet, 9) + "=idmint-owner v=1 instance=a"), owners());
  }

  @Test
  void concurrentClaims_neverShareAWorker() throws Exception {
    int n = 8;
    List<EtcdRegistry> registries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      registries.add(open(instance("c" + i).workerIds("0-7").build()));
    }
    List<Thread> threads = new ArrayList<>();
    int[] workers = new int[n];
    Throwable[] errors = new Throwable[n];
    for (int i = 0; i < n; i++) {
      int k = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  workers[k] = registries.get(k).claim(Scheme.SNOWFLAKE, "c", -1).worker();
                } catch (Throwable x) {
                  errors[k] = x;
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    Set<Integer> distinct = new HashSet<>();
    for (int i = 0; i < n; i++) {
      assertEquals(null, errors[i]);
      distinct.add(workers[i]);
    }
    assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), distinct);
  }

  @Test
  void corruptWorkerRecord_stopsTheClaim_andIsLeftAsItIs() {
    raw.txn(new EtcdClient.Txn().put(Etcd.timeKey(fleet, 3), "garbage", 0));
    IdStateException e =
        assertThrows(IdStateException.class, () -> registry("a").claim(Scheme.SNOWFLAKE, "a", 3));
    assertTrue(e.getMessage().contains("cannot use the worker record"), e.getMessage());
    assertEquals("garbage", Etcd.get(raw, Etcd.timeKey(fleet, 3)));
    assertEquals(List.of(), owners());
  }

  @Test
  void corruptWorkerRecord_isPassedOver_whenChoosing() {
    raw.txn(new EtcdClient.Txn().put(Etcd.timeKey(fleet, 0), "garbage", 0));
    EtcdRegistry a = open(instance("a").workerIds("0-1").build());
    assertEquals(1, a.claim(Scheme.SNOWFLAKE, "a", -1).worker());
    IdStateException e =
        assertThrows(
            IdStateException.class,
            () -> open(instance("b").workerIds("0-1").build()).claim(Scheme.SNOWFLAKE, "b", -1));
    assertTrue(e.getMessage().contains("no free worker in 0-1"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot use the worker record"), e.getMessage());
  }

  @Test
  void noMemberReachable_claimFailsWithinTheTimeout_namingTheRegistry() throws Exception {
    int port = EtcdCluster.Ports.free(); // nothing listens there
    EtcdRegistry r =
        open(
            EtcdRegistry.builder("etcd://127.0.0.1:" + port)
                .fleet(fleet)
                .instance("a")
                .timeout(Duration.ofMillis(500))
                .build());
    IdStateException e =
        assertThrows(IdStateException.class, () -> r.claim(Scheme.SNOWFLAKE, "a", -1));
    assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    assertEquals(EtcdRegistry.State.ACQUIRING, r.status().state());
  }

  @Test
  void closingTheRegistry_releasesItsClaims() {
    EtcdRegistry r = instance("a").build();
    int worker = r.claim(Scheme.SNOWFLAKE, "a", -1).worker();
    r.close();
    assertEquals(null, Etcd.get(raw, Etcd.ownerKey(fleet, worker)));
    assertThrows(IllegalStateException.class, () -> r.claim(Scheme.SNOWFLAKE, "a", -1));
  }

  private List<String> owners() {
    return Etcd.dump(raw, fleet).stream().filter(l -> l.contains("/owner=")).toList();
  }
}
