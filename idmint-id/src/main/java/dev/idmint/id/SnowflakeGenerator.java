package dev.idmint.id;

import static dev.idmint.id.SnowflakeId.EPOCH_MILLIS;
import static dev.idmint.id.SnowflakeId.MAX_TIME;
import static dev.idmint.id.SnowflakeId.SEQUENCE_BITS;
import static dev.idmint.id.SnowflakeId.SEQUENCE_MASK;
import static dev.idmint.id.SnowflakeId.TIME_BITS;
import static dev.idmint.id.SnowflakeId.WORKER_BITS;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.LongSupplier;

/**
 * Snowflake IDs from a lock-free logical clock. The state is one long, {@code time << 12 |
 * sequence}; the next is {@code max(last + 1, wall << 12)}, so a full sequence carries into the
 * next millisecond instead of waiting, and a wall clock that goes back is simply outrun.
 *
 * <p>Within a millisecond the next state is just {@code last + 1}: one atomic add, which unlike a
 * compare-and-set cannot fail under contention. Only when the wall clock has moved past the logical
 * one (about once per millisecond) does a compare-and-set lift the state to it; the stale value the
 * add took is skipped, never issued.
 */
final class SnowflakeGenerator implements IdGenerator {
  /** How far past the newest timestamp in use the durable lease reaches. */
  static final long LEASE_MILLIS = 1000;

  private static final long MAX_STATE = (MAX_TIME << SEQUENCE_BITS) | SEQUENCE_MASK;
  private static final AtomicLongFieldUpdater<SnowflakeGenerator> LAST_WALL =
      AtomicLongFieldUpdater.newUpdater(SnowflakeGenerator.class, "lastWall");

  private final PaddedLong state;
  private final long workerBits;
  private final int worker;
  private final LongSupplier clock;
  private final StateFile file; // null: no durable state
  private final Drift drift;

  /** The largest state the lease covers; past it, renew first. */
  private volatile long limit;

  /** The latest wall-clock reading, to spot backward jumps. */
  private volatile long lastWall;

  SnowflakeGenerator(int worker, LongSupplier clock, StateFile file, Drift drift) {
    this.worker = worker;
    this.workerBits = (long) worker << SEQUENCE_BITS;
    this.clock = clock;
    this.file = file;
    this.drift = drift;
    long wall = clock.getAsLong();
    this.lastWall = wall;
    long start = 0;
    if (file == null) {
      limit = MAX_STATE;
    } else {
      OptionalLong lease = file.read();
      if (lease.isPresent()) {
        long t = lease.getAsLong() - EPOCH_MILLIS;
        if (t < 0 || t > MAX_TIME) {
          throw file.corrupt(
              "lease "
                  + Instant.ofEpochMilli(lease.getAsLong())
                  + " is outside the snowflake range");
        }
        // Every earlier ID has a time <= the lease, so start just past it.
        start = ((t + 1) << SEQUENCE_BITS) - 1;
        if (start >= MAX_STATE) {
          throw exhausted();
        }
      }
      renew(
          Math.max(
              start >>> SEQUENCE_BITS, inRange(wall - EPOCH_MILLIS) ? wall - EPOCH_MILLIS : 0));
      drift.emit(
          lease.isPresent()
              ? new IdEvent.StateResumed(
                  file.path(), new SnowflakeId(((start + 1) << WORKER_BITS) | workerBits))
              : new IdEvent.StateCreated(file.path()));
    }
    this.state = new PaddedLong(start);
    drift.inRange(inRange(wall - EPOCH_MILLIS), wall);
    observe(wall, wall, start);
  }

  @Override
  public Scheme scheme() {
    return Scheme.SNOWFLAKE;
  }

  @Override
  public long nextLong() {
    long seen = lastWall; // read before the clock, so a lower reading is a real jump, not a race
    long wall = clock.getAsLong();
    long t = wall - EPOCH_MILLIS;
    long floor = inRange(t) ? t << SEQUENCE_BITS : 0; // out-of-range readings do not move the clock
    long next = state.incrementAndGet();
    if (next < floor || next > limit) {
      next = advance(floor);
    }
    if (wall != seen || (next & SEQUENCE_MASK) == 0) {
      observe(seen, wall, next);
    }
    return (next >>> SEQUENCE_BITS) << (WORKER_BITS + SEQUENCE_BITS)
        | workerBits
        | (next & SEQUENCE_MASK);
  }

  @Override
  public Id next() {
    return new SnowflakeId(nextLong());
  }

  @Override
  public ClockStats clockStats() {
    return drift.stats(lead(clock.getAsLong(), state.get()));
  }

  int worker() {
    return worker;
  }

  private static boolean inRange(long t) {
    return (t >>> TIME_BITS) == 0;
  }

  private static long lead(long wall, long state) {
    return (state >>> SEQUENCE_BITS) - (wall - EPOCH_MILLIS);
  }

  /**
   * Drift bookkeeping, about once per millisecond: a new wall-clock reading or logical millisecond.
   */
  private void observe(long seen, long wall, long next) {
    long lead = lead(wall, next);
    if (wall != seen && LAST_WALL.compareAndSet(this, seen, wall)) {
      drift.inRange(inRange(wall - EPOCH_MILLIS), wall);
      if (wall < seen) {
        drift.backwardJump(seen, wall, lead);
      }
    }
    drift.lead(lead);
  }

  /** The next state by compare-and-set: when the wall clock moved on, or at the lease boundary. */
  private long advance(long floor) {
    for (; ; ) {
      long prev = state.get();
      long next = Math.max(prev + 1, floor);
      if (next > limit) {
        return renewAndAdvance(floor);
      }
      if (state.compareAndSet(prev, next)) {
        return next;
      }
    }
  }

  /** The slow path at the lease boundary: renew, then take the next state. */
  private synchronized long renewAndAdvance(long floor) {
    for (; ; ) {
      long prev = state.get();
      long next = Math.max(prev + 1, floor);
      if (next > limit) {
        if (next > MAX_STATE) {
          throw exhausted();
        }
        renew(next >>> SEQUENCE_BITS);
      } else if (state.compareAndSet(prev, next)) {
        return next;
      }
    }
  }

  /** Leases time up to {@code time + LEASE_MILLIS}, durably before any ID uses it. */
  private void renew(long time) {
    long lease = Math.min(time + LEASE_MILLIS, MAX_TIME);
    if (file != null) {
      file.write(lease + EPOCH_MILLIS);
    }
    limit = (lease << SEQUENCE_BITS) | SEQUENCE_MASK;
  }

  private IdStateException exhausted() {
    return new IdStateException(
        "snowflake IDs exhausted: the logical clock reached "
            + Instant.ofEpochMilli(EPOCH_MILLIS + MAX_TIME)
            + ", the end of the 41-bit time range");
  }

  @Override
  public String toString() {
    return "SnowflakeGenerator[worker="
        + worker
        + (file == null ? "" : ", state=" + file.path())
        + "]";
  }
}
