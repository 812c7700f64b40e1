package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link Registry} promises, run against each: the state dir here ({@code
 * StateDirRegistryTest}), etcd in idmint-etcd ({@code EtcdRegistryTest}), through idmint-id's
 * test-jar. A subclass gives registries that share one store, as two processes would.
 */
public abstract class RegistryContract {
  /** 2025-06-01T12:00:00Z: a mark in the snowflake range. */
  protected static final long T = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** A registry on the store this test uses; each call may stand for another process. */
  protected abstract Registry registry();

  /** Whether {@code claim(..., -1)} chooses a snowflake worker, rather than refusing. */
  protected abstract boolean choosesWorkers();

  /** Whether counter and HLC claims, keyed by node, are kept, rather than refused. */
  protected abstract boolean keepsNodes();

  /**
   * Makes the store drop {@code claim} behind its holder's back, as a lease that ran out would; a
   * registry whose claims last as long as the process closes it.
   */
  protected abstract void takeAway(Registry.Claim claim) throws Exception;

  /** A claim closed after the test. */
  protected final Registry.Claim claim(Registry registry, int worker) {
    Registry.Claim c = registry.claim(Scheme.SNOWFLAKE, "n1", worker);
    opened.add(c);
    return c;
  }

  protected final <T extends AutoCloseable> T closeAfter(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  @AfterEach
  protected void closeClaims() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  public void firstClaim_ofAWorker_hasNoMark_andHoldsTheWorkerAsked() {
    Registry.Claim c = claim(registry(), 7);
    assertEquals(7, c.worker());
    assertEquals(OptionalLong.empty(), c.committed());
    assertFalse(c.where().isEmpty());
  }

  @Test
  public void claim_thenCommit_thenReclaim_seesTheMark() {
    Registry r = registry();
    Registry.Claim c = claim(r, 7);
    c.commit(T);
    c.commit(T + 1000);
    c.close();
    assertEquals(OptionalLong.of(T + 1000), claim(registry(), 7).committed());
  }

  @Test
  public void secondClaim_ofAHeldWorker_failsWhileTheFirstHolds_andSucceedsOnceItCloses() {
    Registry.Claim first = claim(registry(), 7);
    first.commit(T);
    IdStateException e = assertThrows(IdStateException.class, () -> claim(registry(), 7));
    assertTrue(e.getMessage().contains("7"), e.getMessage());
    first.commit(T + 1); // the failed claim took nothing from the first
    first.close();
    assertEquals(OptionalLong.of(T + 1), claim(registry(), 7).committed());
  }

  @Test
  public void claimsOfTwoWorkers_areIndependent() {
    Registry.Claim a = claim(registry(), 1);
    Registry.Claim b = claim(registry(), 2);
    a.commit(T);
    b.commit(T + 5);
    a.close();
    b.close();
    assertEquals(OptionalLong.of(T), claim(registry(), 1).committed());
    assertEquals(OptionalLong.of(T + 5), claim(registry(), 2).committed());
  }

  @Test
  public void commit_afterClose_fails_andLeavesTheMark() {
    Registry.Claim c = claim(registry(), 7);
    c.commit(T);
    c.close();
    assertThrows(IdStateException.class, () -> c.commit(T + 1000));
    assertEquals(OptionalLong.of(T), claim(registry(), 7).committed());
  }

  @Test
  public void close_twice_isHarmless() {
    Registry.Claim c = claim(registry(), 7);
    c.close();
    c.close();
    claim(registry(), 7).close();
  }

  @Test
  public void commit_afterTheClaimWasTakenAway_fails_andTheNextHolderSeesTheLastGoodMark()
      throws Exception {
    Registry.Claim c = claim(registry(), 7);
    c.commit(T);
    takeAway(c);
    assertThrows(IdStateException.class, () -> c.commit(T + 1000));
    Registry.Claim next = claim(registry(), 7);
    assertEquals(OptionalLong.of(T), next.committed());
    assertThrows(IdStateException.class, () -> c.commit(T + 2000)); // nor once another holds it
    next.commit(T + 10);
    c.close(); // the old holder's close must not release its successor
    assertThrows(IdStateException.class, () -> claim(registry(), 7));
    next.close();
    assertEquals(OptionalLong.of(T + 10), claim(registry(), 7).committed());
  }

  /** The mark never goes back: a lower commit still proves the claim, and keeps the higher mark. */
  @Test
  public void commit_belowTheCommittedMark_keepsTheHigherMark() {
    Registry.Claim c = claim(registry(), 7);
    c.commit(T + 1000);
    c.commit(T);
    c.close();
    assertEquals(OptionalLong.of(T + 1000), claim(registry(), 7).committed());
  }

  @ParameterizedTest
  @ValueSource(ints = {-2, 1024, Integer.MIN_VALUE, Integer.MAX_VALUE})
  public void worker_outsideTheLayout_isRefused(int worker) {
    assertThrows(IllegalArgumentException.class, () -> claim(registry(), worker));
  }

  @Test
  public void noWorker_isChosenAmongTheFree_orRefused() {
    Registry r = registry();
    if (!choosesWorkers()) {
      assertThrows(IllegalArgumentException.class, () -> claim(r, -1));
      return;
    }
    Registry.Claim a = claim(r, -1);
    Registry.Claim b = claim(registry(), -1);
    assertTrue(a.worker() >= 0 && a.worker() <= SnowflakeId.MAX_WORKER, "" + a.worker());
    assertTrue(b.worker() >= 0 && b.worker() <= SnowflakeId.MAX_WORKER, "" + b.worker());
    assertNotEquals(a.worker(), b.worker());
    assertThrows(IdStateException.class, () -> claim(registry(), a.worker()));
  }

  @ParameterizedTest
  @EnumSource(
      value = Scheme.class,
      names = {"COUNTER", "HLC"})
  public void nodeClaims_keepTheirMark_orAreRefused(Scheme scheme) {
    Registry r = registry();
    if (!keepsNodes()) {
      assertThrows(IllegalArgumentException.class, () -> r.claim(scheme, "n1", -1));
      return;
    }
    Registry.Claim c = r.claim(scheme, "n1", -1);
    assertEquals(-1, c.worker());
    c.commit(T);
    c.close();
    Registry.Claim again = closeAfter(registry().claim(scheme, "n1", -1));
    assertEquals(OptionalLong.of(T), again.committed());
  }

  /** S1 through the generator: the next holder of the worker issues only greater IDs. */
  @Test
  public void
      generator_onTheRegistry_nextHolderIssuesOnlyGreaterIds_evenWithItsClockAnHourBehind() {
    AtomicLong clock = new AtomicLong(T + 3_600_000);
    IdGenerator first =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n1")
            .workerId(7)
            .registry(registry())
            .clock(clock::get)
            .build();
    long[] before = new long[5000];
    first.nextLongs(before, 0, before.length);
    clock.addAndGet(700);
    long last = first.nextLong();
    first.close();

    clock.set(T); // the next holder's clock is an hour behind
    IdGenerator next =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n2")
            .workerId(7)
            .registry(registry())
            .clock(clock::get)
            .build();
    long id = next.nextLong();
    assertTrue(id > last && id > before[before.length - 1], id + " after " + last);
    assertEquals(7, new SnowflakeId(id).worker());
    next.close();
  }
}
