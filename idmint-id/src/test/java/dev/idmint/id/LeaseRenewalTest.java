package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Leases and counter blocks renewed ahead of need, on the caller's thread or on an executor. */
class LeaseRenewalTest {
  @TempDir Path dir;
  final ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00Z");
  final AtomicInteger writes = new AtomicInteger();

  /** Holds tasks until the test runs them. */
  static final class Queue implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  /** The generator running now: opening another kills it first, as a restart would. */
  IdGenerator running;

  IdGenerator open(Scheme scheme, Executor renewer) {
    if (running != null) {
      running.close(); // writes nothing: a kill, as far as the state file can tell
    }
    IdFactory.Builder b =
        IdFactory.builder()
            .scheme(scheme)
            .node("n1", List.of("n1"))
            .stateDir(dir)
            .clock(clock)
            .ticker(clock::nanos)
            .events(
                e -> {
                  if (e instanceof IdEvent.StateWritten) {
                    writes.incrementAndGet();
                  }
                });
    if (renewer != null) {
      b.renewalExecutor(renewer);
    }
    running = b.build();
    return running;
  }

  /** Node n1's state file: keyed by its worker, 1, for snowflakes. */
  Path file(Scheme scheme) {
    return dir.resolve(scheme == Scheme.SNOWFLAKE ? "w1.state" : "n1.state");
  }

  /** The lease in the file, as a time in the scheme's layout. */
  long lease(Scheme scheme) throws IOException {
    String line = Files.readString(file(scheme));
    long ms = Instant.parse(line.replaceAll(".* lease=(\\S+) .*\\n", "$1")).toEpochMilli();
    return scheme == Scheme.SNOWFLAKE ? ms - SnowflakeId.EPOCH_MILLIS : ms;
  }

  /** The counter's reserved end in the file: every n issued is below it. */
  long reserved() throws IOException {
    String line = Files.readString(file(Scheme.COUNTER));
    return Long.parseLong(line.replaceAll(".* reserved=(\\S+) .*\\n", "$1"));
  }

  /** Whether the file covers {@code id}. */
  boolean covered(Scheme scheme, long id) throws IOException {
    return scheme == Scheme.COUNTER ? id < reserved() : time(scheme, id) <= lease(scheme);
  }

  static long time(Scheme scheme, long id) {
    return scheme == Scheme.SNOWFLAKE ? id >>> 22 : id >>> HlcId.LC_BITS;
  }

  @ParameterizedTest
  @EnumSource(
      value = Scheme.class,
      names = {"SNOWFLAKE", "HLC"})
  void nextLong_pastRenewalPoint_queuesOneRenewalAndGoesOnUnderTheOldLease(Scheme scheme)
      throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = open(scheme, queue);
    long first = lease(scheme);
    long last = 0;
    for (int i = 0; i < 2 * LogicalClock.LEASE_MILLIS && queue.tasks.isEmpty(); i++) {
      clock.advance(1); // an ID a millisecond
      last = gen.nextLong();
    }
    assertEquals(1, queue.tasks.size(), "a renewal was queued");
    assertTrue(
        time(scheme, last) >= first - LogicalClock.RENEW_AHEAD_MILLIS,
        "not before the lease's last quarter");
    while (time(scheme, last) < first) { // up to the lease's end, with the renewal still queued
      clock.advance(1);
      last = gen.nextLong();
    }
    assertEquals(1, queue.tasks.size(), "one renewal at a time");
    assertEquals(first, lease(scheme), "nobody waited for a write");

    queue.runAll();
    long renewed = lease(scheme);
    assertTrue(renewed > first, "the queued renewal moved the lease on");
    assertTrue(time(scheme, gen.nextLong()) <= renewed);
  }

  @ParameterizedTest
  @EnumSource(
      value = Scheme.class,
      names = {"SNOWFLAKE", "HLC"})
  void nextLong_withoutExecutor_renewsBeforeTheLeaseRunsOut(Scheme scheme) throws IOException {
    IdGenerator gen = open(scheme, null);
    long first = lease(scheme);
    int written = writes.get();
    long last = 0;
    while (writes.get() == written) {
      last = gen.nextLong();
    }
    assertTrue(lease(scheme) > first);
    assertTrue(time(scheme, last) < first, "renewed by a caller while the old lease still held");
  }

  @Test
  void nextLong_executorThatNeverRuns_renewsAtTheLeaseEndItself() throws IOException {
    IdGenerator gen = open(Scheme.SNOWFLAKE, task -> {});
    long first = lease(Scheme.SNOWFLAKE);
    long last = 0;
    for (int i = 0; i < 20_000_000 && time(Scheme.SNOWFLAKE, last) <= first + 10; i++) {
      last = gen.nextLong();
      if (time(Scheme.SNOWFLAKE, last) > first && i % 101 == 0) {
        assertTrue(lease(Scheme.SNOWFLAKE) >= time(Scheme.SNOWFLAKE, last), "covered");
      }
    }
    assertTrue(time(Scheme.SNOWFLAKE, last) > first, "IDs went on past the first lease");
  }

  /** A generator that may not wait (an event loop's), its renewals on {@code renewer}. */
  IdGenerator openNoWait(Executor renewer) {
    running =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n1", List.of("n1"))
            .stateDir(dir)
            .clock(clock)
            .ticker(clock::nanos)
            .maxWait(java.time.Duration.ZERO)
            .renewalExecutor(renewer)
            .events(e -> {})
            .build();
    return running;
  }

  @Test
  void noWait_atTheLeaseEnd_neverWritesOnTheCaller_thenGoesOnOnceTheExecutorHasRenewed()
      throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = openNoWait(queue);
    long first = lease(Scheme.SNOWFLAKE);
    clock.advance(5000); // idle past the lease: the next ID needs a renewal first
    RenewalPendingException e = assertThrows(RenewalPendingException.class, gen::nextLong);
    assertTrue(e.getMessage().contains("w1.state"), e.getMessage());
    assertEquals(first, lease(Scheme.SNOWFLAKE), "the caller wrote nothing");
    assertThrows(RenewalPendingException.class, gen::nextLong);
    assertEquals(1, queue.tasks.size(), "one renewal asked for, however many callers ask");
    queue.runAll();
    long id = gen.nextLong();
    assertTrue(time(Scheme.SNOWFLAKE, id) <= lease(Scheme.SNOWFLAKE), "covered");
    assertTrue(time(Scheme.SNOWFLAKE, id) > first + 3000, "at the clock, not at the old lease");
  }

  @Test
  void noWait_renewalFailed_callersGetItsFailure_notAWait() throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = openNoWait(queue);
    Files.createDirectory(dir.resolve("w1.state.tmp")); // writes fail from now on
    clock.advance(5000);
    assertThrows(RenewalPendingException.class, gen::nextLong);
    queue.runAll(); // the renewal fails
    IdStateException e = assertThrows(IdStateException.class, gen::nextLong);
    assertTrue(e.getMessage().contains("cannot write state file"), e.getMessage());
  }

  @Test
  void nextLong_executorRejects_stillIssuesCoveredIds() throws IOException {
    IdGenerator gen =
        open(
            Scheme.SNOWFLAKE,
            task -> {
              throw new RejectedExecutionException("shut down");
            });
    long first = lease(Scheme.SNOWFLAKE);
    long last = 0;
    while (time(Scheme.SNOWFLAKE, last) <= first) {
      last = gen.nextLong();
    }
    assertTrue(lease(Scheme.SNOWFLAKE) >= time(Scheme.SNOWFLAKE, last));
  }

  @Test
  void nextLong_renewalAheadFails_issuesUpToTheLeaseThenThrows() throws IOException {
    IdGenerator gen = open(Scheme.SNOWFLAKE, null);
    long first = lease(Scheme.SNOWFLAKE);
    // Writes now fail: the temp file cannot be made where a directory stands in its way.
    Files.createDirectory(dir.resolve("w1.state.tmp"));
    long last = 0;
    IdStateException e;
    for (; ; ) {
      try {
        last = gen.nextLong();
      } catch (IdStateException thrown) {
        e = thrown;
        break;
      }
    }
    assertEquals(first, time(Scheme.SNOWFLAKE, last), "every ID under the lease, and no further");
    assertTrue(e.getMessage().contains("cannot write state file"), e.getMessage());
  }

  /**
   * Kills anywhere (a new generator on the same dir) while renewals wait on an executor that runs
   * them at random moments, drops some and rejects others, with the wall clock wandering: every new
   * ID beats every old one, and the file always covers every ID issued.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 5, 42, 2026, -9})
  void restart_withRenewalsOnAnExecutor_issuesOnlyLargerIdsAllCovered(long seed)
      throws IOException {
    Random rnd = new Random(seed);
    for (Scheme scheme : Scheme.values()) {
      Files.deleteIfExists(dir.resolve("n1.state")); // counter's and HLC's: the file is the node's
      long max = -1;
      for (int life = 0; life < 8; life++) {
        Queue queue = new Queue();
        int mode = rnd.nextInt(4);
        Executor renewer =
            mode == 0
                ? null
                : mode == 1
                    ? queue
                    : mode == 2
                        ? task -> {}
                        : task -> {
                          throw new RejectedExecutionException("full");
                        };
        IdGenerator gen = open(scheme, renewer);
        int ids = rnd.nextInt(3) == 0 ? 20_000 + rnd.nextInt(40_000) : rnd.nextInt(3000);
        for (int i = 0; i < ids; i++) {
          if (rnd.nextInt(300) == 0) {
            clock.advance(rnd.nextInt(2000) - 500);
          }
          if (!queue.tasks.isEmpty() && rnd.nextInt(50) == 0) {
            queue.runAll();
          }
          long id = gen.nextLong();
          String where = scheme + " seed " + seed + " life " + life + " mode " + mode;
          assertTrue(id > max, where + ": " + id + " after " + max);
          max = id;
          if (i % 97 == 0) {
            assertTrue(covered(scheme, id), where + ": the file covers every ID");
          }
        }
        if (max >= 0) {
          assertTrue(covered(scheme, max), "the file covers every ID issued");
        }
        if (rnd.nextBoolean()) {
          queue.runAll(); // a renewal that finishes after the last ID, before the kill
        }
      }
    }
  }

  @Test
  void counter_pastReservePoint_queuesTheNextBlockAndGoesOnUnderThisOne() throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = open(Scheme.COUNTER, queue);
    long n = -1;
    while (queue.tasks.isEmpty() && n < CounterGenerator.MIN_BLOCK) {
      n = gen.nextLong();
    }
    assertEquals(CounterGenerator.MIN_BLOCK * 3 / 4, n, "at the block's last quarter");
    while (n < CounterGenerator.MIN_BLOCK - 1) {
      n = gen.nextLong();
    }
    assertEquals(1, queue.tasks.size(), "one reservation at a time");
    assertEquals(CounterGenerator.MIN_BLOCK, reserved(), "nobody waited for a write");

    queue.runAll();
    // The clock is frozen, so the block lasted under a second: the next one is twice the size.
    assertEquals(3 * CounterGenerator.MIN_BLOCK, reserved());
    assertEquals(CounterGenerator.MIN_BLOCK, gen.nextLong(), "no gap: the blocks are contiguous");
  }

  @Test
  void counter_withoutExecutor_reservesBeforeTheBlockRunsOut() throws IOException {
    IdGenerator gen = open(Scheme.COUNTER, null);
    int written = writes.get();
    long n = -1;
    while (writes.get() == written) {
      n = gen.nextLong();
    }
    assertEquals(CounterGenerator.MIN_BLOCK * 3 / 4, n);
    assertEquals(3 * CounterGenerator.MIN_BLOCK, reserved());
  }

  @Test
  void counter_reservationAheadFails_issuesUpToTheBlockThenThrows() throws IOException {
    IdGenerator gen = open(Scheme.COUNTER, null);
    Files.createDirectory(dir.resolve("n1.state.tmp")); // writes fail from now on
    long n = -1;
    IdStateException e;
    for (; ; ) {
      try {
        n = gen.nextLong();
      } catch (IdStateException thrown) {
        e = thrown;
        break;
      }
    }
    assertEquals(CounterGenerator.MIN_BLOCK - 1, n, "every number of the block, and no further");
    assertTrue(e.getMessage().contains("cannot write state file"), e.getMessage());
  }

  @Test
  void counter_batchesAcrossTheReservePoint_stayCovered() throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = open(Scheme.COUNTER, queue);
    long[] ids = new long[700];
    for (int k = 0; k < 30; k++) {
      gen.nextLongs(ids, 0, ids.length);
      assertTrue(covered(Scheme.COUNTER, ids[ids.length - 1]));
      if (k % 3 == 2) {
        queue.runAll();
      }
    }
  }

  @Test
  void counter_reservationRunningLate_reservesNothingNotDue() throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = open(Scheme.COUNTER, queue);
    long n = -1;
    while (queue.tasks.isEmpty()) {
      n = gen.nextLong();
    }
    Runnable late = queue.tasks.poll(); // runs only after a caller reserved at the block's end
    while (n < CounterGenerator.MIN_BLOCK) {
      n = gen.nextLong();
    }
    long reserved = reserved();
    int written = writes.get();
    late.run();
    assertEquals(reserved, reserved(), "the next block is not due yet");
    assertEquals(written, writes.get());
    assertTrue(covered(Scheme.COUNTER, gen.nextLong()));
  }

  @Test
  void renewal_runningLate_neverMovesTheLeaseBack() throws IOException {
    Queue queue = new Queue();
    IdGenerator gen = open(Scheme.SNOWFLAKE, queue);
    long first = lease(Scheme.SNOWFLAKE);
    for (int i = 0; i < 2 * LogicalClock.LEASE_MILLIS && queue.tasks.isEmpty(); i++) {
      clock.advance(1);
      gen.nextLong();
    }
    Runnable late = queue.tasks.poll(); // runs only after the callers renewed many times
    long last = 0;
    while (time(Scheme.SNOWFLAKE, last) <= first + 5 * LogicalClock.LEASE_MILLIS) {
      last = gen.nextLong(); // past several leases, each renewed by the caller that needed it
    }
    long now = lease(Scheme.SNOWFLAKE);
    late.run();
    assertTrue(lease(Scheme.SNOWFLAKE) >= now);
    assertFalse(Files.exists(dir.resolve("w1.state.tmp")), "no temp file left behind");
  }
}
