package dev.idmint.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Registry;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * S1 on a real cluster: a holder cut off from etcd (every member behind a proxy that stops passing
 * bytes, as a partition or a long pause looks to etcd) loses its worker once the TTL has run out;
 * its successor starts after the time it committed, and its next commit fails. The TTL-trusting
 * registries fail the same scenario.
 */
class EtcdTakeoverTest extends OnCluster {
  static final long HOUR = 3_600_000;
  static final int WORKER = 5;

  private final List<RegistryEvent> oldEvents = new CopyOnWriteArrayList<>();
  private List<TcpProxy> proxies;

  @BeforeEach
  void proxies() throws Exception {
    proxies = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      proxies.add(open(TcpProxy.to(cluster.clientPort(i))));
    }
  }

  /** The old holder: reaches etcd only through the proxies. */
  private EtcdRegistry oldHolder() {
    List<String> members = new ArrayList<>();
    for (TcpProxy p : proxies) {
      members.add("127.0.0.1:" + p.port());
    }
    return open(
        EtcdRegistry.builder("etcd://" + String.join(",", members))
            .fleet(fleet)
            .instance("old")
            .workerIds(WORKER, WORKER)
            .ttl(Duration.ofSeconds(2))
            .timeout(Duration.ofSeconds(2))
            .events(oldEvents::add)
            .build());
  }

  private EtcdRegistry successor() {
    return open(
        EtcdRegistry.builder(cluster.url())
            .fleet(fleet)
            .instance("new")
            .workerIds(WORKER, WORKER)
            .ttl(Duration.ofSeconds(2))
            .build());
  }

  private void cutOff() {
    proxies.forEach(TcpProxy::blackhole);
  }

  private void heal() {
    proxies.forEach(TcpProxy::heal);
  }

  @Test
  void claim_afterHolderCutOffPastTtl_isTakenOver_successorStartsAfterCommittedTime()
      throws Exception {
    EtcdRegistry old = oldHolder();
    EtcdClaim held = old.claim(Scheme.SNOWFLAKE, "old", -1);
    assertEquals(WORKER, held.worker());
    long t = System.currentTimeMillis() + HOUR;
    held.commit(t);

    cutOff();
    // Held while the lease lasts: no other instance may have the worker.
    assertThrows(
        IdStateException.class, () -> successor().claim(Scheme.SNOWFLAKE, "new", -1).close());
    Etcd.awaitFree(raw, fleet, WORKER);

    EtcdRegistry next = successor();
    EtcdClaim taken = next.claim(Scheme.SNOWFLAKE, "new", -1);
    assertEquals(WORKER, taken.worker());
    assertEquals(OptionalLong.of(t), taken.committed());
    assertTrue(taken.takeover());
    assertEquals("old", taken.previousHolder());
    assertEquals(1, next.status().takeovers());

    heal();
    IdStateException e = assertThrows(IdStateException.class, () -> held.commit(t + 1000));
    assertTrue(e.getMessage().contains("lost worker " + WORKER), e.getMessage());
    assertEquals(EtcdRegistry.State.LOST, held.state());
    assertEquals(EtcdRegistry.State.LOST, old.status().state());
    assertTrue(oldEvents.stream().anyMatch(ev -> ev instanceof RegistryEvent.Lost), "" + oldEvents);

    // The successor's record is untouched by the failed commit, and the old close frees nothing.
    held.close();
    taken.commit(t + 5);
    taken.close();
    assertEquals(
        OptionalLong.of(t + 5), successor().claim(Scheme.SNOWFLAKE, "x", WORKER).committed());
  }

  @Test
  void renewal_ofALeaseThatRanOut_marksTheClaimLost_withoutAnyCommit() throws Exception {
    EtcdRegistry old = oldHolder();
    EtcdClaim held = old.claim(Scheme.SNOWFLAKE, "old", -1);
    cutOff();
    Etcd.awaitFree(raw, fleet, WORKER);
    heal();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (held.state() == EtcdRegistry.State.HELD && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(EtcdRegistry.State.LOST, held.state());
    assertTrue(held.lostBecause().contains("expired"), held.lostBecause());
  }

  /** What each holder issued in the takeover scenario. */
  record Issued(List<Long> old, List<Long> successor, IdStateException oldFailure) {
    Set<Long> duplicates() {
      Set<Long> seen = new HashSet<>(old);
      Set<Long> dups = new HashSet<>();
      for (long id : successor) {
        if (!seen.add(id)) {
          dups.add(id);
        }
      }
      return dups;
    }

    boolean successorAbove() {
      return successor.stream().mapToLong(Long::longValue).min().getAsLong()
          > old.stream().mapToLong(Long::longValue).max().getAsLong();
    }
  }

  /**
   * The pause, scripted: the old holder, its clock an hour ahead, issues IDs and is cut off past
   * its TTL; a successor with the true clock takes the worker and issues IDs; then the old one is
   * back and asked for IDs at once, within its lease and then just past it, where the successor's
   * are.
   */
  /** The scripted clocks stand still while bursts of thousands go out: let them borrow time. */
  private static final Duration FROZEN_CLOCK_BURSTS = Duration.ofHours(1);

  private Issued takeover(Function<EtcdRegistry, Registry> registry) throws Exception {
    long now = System.currentTimeMillis();
    AtomicLong oldClock = new AtomicLong(now + HOUR);
    IdGenerator old =
        open(
            IdFactory.builder()
                .scheme(Scheme.SNOWFLAKE)
                .node("old")
                .registry(registry.apply(oldHolder()))
                .clock(oldClock::get)
                .maxLead(FROZEN_CLOCK_BURSTS)
                .events(e -> {})
                .build());
    List<Long> oldIds = new ArrayList<>(issue(old, 5000));
    oldClock.addAndGet(400);
    oldIds.addAll(issue(old, 5000));
    assertTrue(oldIds.stream().allMatch(id -> new SnowflakeId(id).worker() == WORKER));

    cutOff();
    Etcd.awaitFree(raw, fleet, WORKER);
    long lease =
        WorkerRecord.parse(Etcd.get(raw, Etcd.timeKey(fleet, WORKER)), WORKER, "test").time();
    AtomicLong newClock = new AtomicLong(now);
    IdGenerator next =
        open(
            IdFactory.builder()
                .scheme(Scheme.SNOWFLAKE)
                .node("new")
                .registry(registry.apply(successor()))
                .clock(newClock::get)
                .ticker(System::nanoTime) // resumed at its bound: later IDs wait for real time
                .maxLead(FROZEN_CLOCK_BURSTS)
                .events(e -> {})
                .build());
    List<Long> newIds = issue(next, 10_000);
    assertTrue(newIds.stream().allMatch(id -> new SnowflakeId(id).worker() == WORKER));

    heal();
    oldIds.addAll(issue(old, 100)); // within the lease it committed: still its own
    oldClock.set(lease + 1); // just past it, where the successor's IDs start
    IdStateException failure = null;
    try {
      oldIds.addAll(issue(old, 5000));
    } catch (IdStateException e) {
      failure = e;
    }
    newIds.addAll(issue(next, 100));
    return new Issued(oldIds, newIds, failure);
  }

  private static List<Long> issue(IdGenerator g, int n) {
    long[] ids = new long[n];
    g.nextLongs(ids, 0, n);
    List<Long> list = new ArrayList<>(n);
    Arrays.stream(ids).forEach(list::add);
    return list;
  }

  @Test
  void generator_afterTakeover_successorIdsAllAboveTheOldHolders_evenWithOldClockAnHourAhead()
      throws Exception {
    Issued issued = takeover(etcd -> etcd);
    assertEquals(Set.of(), issued.duplicates());
    assertTrue(issued.successorAbove(), "the successor's IDs start below the old holder's");
    assertTrue(issued.oldFailure() != null, "the old holder issued past its committed time");
    assertTrue(
        issued.oldFailure().getMessage().contains("taken over by instance 'new'")
            || issued.oldFailure().getMessage().contains("expired"),
        issued.oldFailure().getMessage());
  }

  @ParameterizedTest
  @EnumSource(TtlTrustingRegistry.Flaw.class)
  void ttlTrustingRegistry_failsThePause(TtlTrustingRegistry.Flaw flaw) throws Exception {
    Issued issued = takeover(etcd -> new TtlTrustingRegistry(etcd, flaw));
    boolean broken = !issued.duplicates().isEmpty() || !issued.successorAbove();
    assertTrue(broken, flaw + " went unnoticed: the scenario cannot tell a fenced registry");
    assertFalse(
        flaw == TtlTrustingRegistry.Flaw.UNCONDITIONAL_RENEWAL && issued.duplicates().isEmpty(),
        "an unconditional renewal let the old holder go on, yet no ID was issued twice");
  }
}
