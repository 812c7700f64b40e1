package dev.idmint.id;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The lock-free hybrid logical clock under the snowflake and HLC generators. The state is one long,
 * {@code time << bits | sequence}, with time in milliseconds since the layout's epoch; the next is
 * {@code max(last + 1, wall << bits)}, so a full sequence carries into the next millisecond instead
 * of waiting, and a wall clock that goes back is simply outrun. Observing a state {@code s} from
 * elsewhere lifts the clock to at least {@code s}: with the next step that is the HLC receive rule,
 * {@code max(last + 1, s + 1, wall << bits)}.
 *
 * <p>Within a millisecond the next state is just {@code last + 1}: one atomic add, which unlike a
 * compare-and-set cannot fail under contention. Only when the wall clock has moved past the logical
 * one (about once per millisecond) does a compare-and-set lift the state to it; the stale value the
 * add took is skipped, never issued.
 *
 * <p>With durable state, no state past the lease in the file is taken. A lease is renewed ahead of
 * need, once its last quarter is reached, by the caller that gets there or on the executor given,
 * while the others go on under the old lease; only a caller that reaches the lease's end waits.
 */
final class LogicalClock {
  /** How far past the newest timestamp in use the durable lease reaches. */
  static final long LEASE_MILLIS = 1000;

  /** How far before its end a lease is renewed ahead of need. */
  static final long RENEW_AHEAD_MILLIS = LEASE_MILLIS / 4;

  /** How a generator turns a state into its ID, for the state-resumed event. */
  interface Layout {
    Id idOf(long state);
  }

  private static final AtomicLongFieldUpdater<LogicalClock> LAST_WALL =
      AtomicLongFieldUpdater.newUpdater(LogicalClock.class, "lastWall");

  // Field updaters, not AtomicBoolean: its VarHandles cost the node's start-up.
  private static final AtomicIntegerFieldUpdater<LogicalClock> RENEWING =
      AtomicIntegerFieldUpdater.newUpdater(LogicalClock.class, "renewing");

  private final PaddedLong state;
  private final int bits;
  private final long mask;
  private final long epoch;
  private final long maxTime;
  private final long maxState;
  private final LongSupplier clock;
  private final StateFile file; // null: no durable state
  private final Drift drift;
  private final long maxObservedLead;

  /** The largest state the lease covers; past it, renew first. */
  private volatile long limit;

  /** Past this state, renew the lease ahead of need. */
  private volatile long renewAt;

  /** Serialises lease writes, so that the lease in the file never moves back. */
  private final ReentrantLock renewal = new ReentrantLock();

  /** 1 while a renewal ahead of need is under way (or queued on the executor), else 0. */
  private volatile int renewing;

  private final Runnable renewAhead = new RenewAhead();

  /** The latest wall-clock reading, to spot backward jumps. */
  private volatile long lastWall;

  /**
   * @param bits the sequence bits under the time
   * @param epoch the wall-clock time (ms since 1970) of time 0
   * @param maxTime the largest time, {@code 2^k - 1}
   */
  LogicalClock(
      Scheme scheme,
      int bits,
      long epoch,
      long maxTime,
      LongSupplier clock,
      StateFile file,
      Consumer<IdEvent> events,
      long maxLead,
      long maxObservedLead,
      Layout layout) {
    this.bits = bits;
    this.mask = (1L << bits) - 1;
    this.epoch = epoch;
    this.maxTime = maxTime;
    this.maxState = (maxTime << bits) | mask;
    this.clock = clock;
    this.file = file;
    this.drift = new Drift(maxLead, events, scheme);
    this.maxObservedLead = maxObservedLead;
    long wall = clock.getAsLong();
    this.lastWall = wall;
    long start = 0;
    if (file == null) {
      limit = maxState;
      renewAt = Long.MAX_VALUE; // nothing to renew
    } else {
      OptionalLong lease = file.read();
      if (lease.isPresent()) {
        long t = lease.getAsLong() - epoch;
        if (!inRange(t)) {
          throw file.corrupt(
              "lease "
                  + Instant.ofEpochMilli(lease.getAsLong())
                  + " is outside the "
                  + scheme
                  + " range");
        }
        // Every earlier ID has a time <= the lease, so start just past it.
        start = ((t + 1) << bits) - 1;
        if (start >= maxState) {
          throw exhausted(scheme);
        }
      }
      long t = wall - epoch;
      renew(Math.max(start >>> bits, inRange(t) ? t : 0));
      drift.emit(
          lease.isPresent()
              ? new IdEvent.StateResumed(file.path(), layout.idOf(start + 1))
              : new IdEvent.StateCreated(file.path()));
    }
    this.state = new PaddedLong(start);
    drift.inRange(inRange(wall - epoch), wall);
    track(wall, wall, start);
  }

  /**
   * Takes {@code count} consecutive states, each above every state taken or observed before, and
   * returns the last of them.
   *
   * @throws IdStateException if the lease had to be renewed and could not be, or the time range is
   *     used up; no state was taken
   */
  long next(int count) {
    long seen = lastWall; // read before the clock, so a lower reading is a real jump, not a race
    long wall = clock.getAsLong();
    long t = wall - epoch;
    long floor = inRange(t) ? t << bits : 0; // out-of-range readings do not move the clock
    long last = state.addAndGet(count);
    long first = last - count + 1;
    if (first < floor || last > limit) {
      last = advance(floor, count);
      first = last - count + 1;
    }
    if (wall != seen || (first & mask) == 0 || (first ^ last) >>> bits != 0) {
      // About once per millisecond, and at every millisecond boundary, where renewAt lies.
      track(seen, wall, last);
      if (last >= renewAt && RENEWING.compareAndSet(this, 0, 1)) {
        startRenewal();
      }
    }
    return last;
  }

  /**
   * Fills {@code into[from]} to {@code into[from + count - 1]} with consecutive states taken by
   * {@link #next(int)}.
   */
  void next(long[] into, int from, int count) {
    Objects.checkFromIndexSize(from, count, into.length);
    if (count > 0) {
      long state = next(count) - count + 1;
      for (int i = from; i < from + count; i++) {
        into[i] = state++;
      }
    }
  }

  /**
   * Lifts the clock to at least {@code seen}, so that every state taken after this is above it.
   *
   * @param time the time of what was observed, which the bound applies to
   * @throws ObservedAheadException if {@code time} is further ahead of the wall clock than the
   *     bound on observed times
   */
  void observe(long seen, long time) {
    long wall = clock.getAsLong();
    if (time - (wall - epoch) > maxObservedLead) {
      throw new ObservedAheadException(
          Instant.ofEpochMilli(epoch + time),
          Instant.ofEpochMilli(wall),
          Duration.ofMillis(maxObservedLead));
    }
    for (; ; ) {
      long prev = state.get();
      if (prev >= seen) {
        return;
      }
      if (state.compareAndSet(prev, seen)) {
        drift.lead(lead(wall, seen)); // the next ID may be mid-millisecond, where next() skips it
        return;
      }
    }
  }

  ClockStats stats() {
    return drift.stats(lead(clock.getAsLong(), state.get()));
  }

  private boolean inRange(long t) {
    return (t & ~maxTime) == 0;
  }

  private long lead(long wall, long state) {
    return (state >>> bits) - (wall - epoch);
  }

  /**
   * Drift bookkeeping, about once per millisecond: a new wall-clock reading or logical millisecond.
   */
  private void track(long seen, long wall, long last) {
    long lead = lead(wall, last);
    if (wall != seen && LAST_WALL.compareAndSet(this, seen, wall)) {
      drift.inRange(inRange(wall - epoch), wall);
      if (wall < seen) {
        drift.backwardJump(seen, wall, lead);
      }
    }
    drift.lead(lead);
  }

  /** The states by compare-and-set: when the wall clock moved on, or at the lease boundary. */
  private long advance(long floor, int count) {
    for (; ; ) {
      long prev = state.get();
      long last = Math.max(prev + 1, floor) + count - 1;
      if (last > limit) {
        return renewAndAdvance(floor, count);
      }
      if (state.compareAndSet(prev, last)) {
        return last;
      }
    }
  }

  /** The slow path at the lease boundary: renew, then take the states. */
  private long renewAndAdvance(long floor, int count) {
    renewal.lock();
    try {
      for (; ; ) {
        long prev = state.get();
        long last = Math.max(prev + 1, floor) + count - 1;
        if (last > limit) {
          if (last > maxState) {
            throw exhausted(drift.scheme());
          }
          renew(last >>> bits);
        } else if (state.compareAndSet(prev, last)) {
          return last;
        }
      }
    } finally {
      renewal.unlock();
    }
  }

  /** Renews the lease ahead of need: here, or on the state file's executor if it has one. */
  private void startRenewal() {
    Executor renewer = file.renewer();
    if (renewer == null) {
      renewAhead.run();
      return;
    }
    try {
      renewer.execute(renewAhead);
    } catch (RejectedExecutionException e) {
      renewing = 0; // the caller that reaches the lease's end renews it
    }
  }

  /** A renewal ahead of need, from the newest timestamp in use. */
  private final class RenewAhead implements Runnable {
    @Override
    public void run() {
      renewal.lock();
      try {
        renew(Math.min(state.get(), limit) >>> bits); // a state past the limit is never issued
      } catch (IdStateException e) {
        // No ID depends on it: the caller that reaches the lease's end tries again and fails
        // with this cause. Until then, no more early attempts.
        renewAt = limit;
      } finally {
        renewal.unlock();
        renewing = 0;
      }
    }
  }

  /**
   * Leases time up to {@code time + LEASE_MILLIS}, durably before any ID uses it; a lease that
   * would not reach past the current one is not written. Called with {@link #renewal} held, or from
   * the constructor.
   */
  private void renew(long time) {
    long lease = Math.min(time + LEASE_MILLIS, maxTime);
    long covers = (lease << bits) | mask;
    if (covers <= limit) {
      return;
    }
    file.write(lease + epoch);
    limit = covers;
    renewAt = Math.max(lease - RENEW_AHEAD_MILLIS, 0) << bits;
  }

  private IdStateException exhausted(Scheme scheme) {
    return new IdStateException(
        scheme
            + " IDs exhausted: the logical clock reached "
            + Instant.ofEpochMilli(epoch + maxTime)
            + ", the end of the "
            + Long.bitCount(maxTime)
            + "-bit time range");
  }

  /** The state file's path, or null without durable state. */
  Path statePath() {
    return file == null ? null : file.path();
  }
}
