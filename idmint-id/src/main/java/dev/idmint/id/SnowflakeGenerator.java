package dev.idmint.id;

import static dev.idmint.id.SnowflakeId.EPOCH_MILLIS;
import static dev.idmint.id.SnowflakeId.MAX_SEQUENCE;
import static dev.idmint.id.SnowflakeId.MAX_TIME;
import static dev.idmint.id.SnowflakeId.SEQUENCE_BITS;
import static dev.idmint.id.SnowflakeId.TIME_SHIFT;
import static dev.idmint.id.SnowflakeId.WORKER_BITS;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Snowflake IDs from a {@link LogicalClock} whose state is {@code time << 12 | sequence}; the
 * worker goes in between when the state becomes an ID.
 */
final class SnowflakeGenerator implements IdGenerator, LogicalClock.Layout {
  private final int worker;
  private final long workerBits;
  private final LogicalClock clock;

  SnowflakeGenerator(
      int worker,
      LongSupplier wallClock,
      LongSupplier ticker,
      Durable durable,
      Consumer<IdEvent> events,
      LogicalClock.Bound bound) {
    this.worker = worker;
    this.workerBits = (long) worker << SEQUENCE_BITS;
    this.clock =
        new LogicalClock(
            Scheme.SNOWFLAKE,
            SEQUENCE_BITS,
            EPOCH_MILLIS,
            MAX_TIME,
            wallClock,
            ticker,
            durable,
            events,
            bound,
            this);
  }

  @Override
  public Scheme scheme() {
    return Scheme.SNOWFLAKE;
  }

  @Override
  public long nextLong() {
    return id(clock.next(1));
  }

  @Override
  public Id next() {
    return new SnowflakeId(nextLong());
  }

  @Override
  public void nextLongs(long[] into, int from, int count) {
    clock.next(into, from, count);
    for (int i = from; i < from + count; i++) {
      into[i] = id(into[i]);
    }
  }

  @Override
  public void observe(Id seen) {
    if (!(seen instanceof SnowflakeId s)) {
      throw IdFactory.otherScheme(seen, Scheme.SNOWFLAKE);
    }
    observe(s.value());
  }

  /**
   * Lifts the clock just enough that the next ID is above {@code seen}: to its time and sequence
   * when its worker is this one, to its time when its worker is smaller (the worker bits already
   * order the IDs), past its time when larger.
   */
  @Override
  public void observe(long seen) {
    if (seen < 0) {
      throw new IllegalArgumentException("snowflake IDs are never negative, got " + seen);
    }
    long time = seen >>> TIME_SHIFT;
    long otherWorker = (seen >>> SEQUENCE_BITS) & SnowflakeId.MAX_WORKER;
    long state;
    if (otherWorker == worker) {
      state = time << SEQUENCE_BITS | (seen & MAX_SEQUENCE);
    } else if (otherWorker < worker) {
      state = (time << SEQUENCE_BITS) - 1;
    } else {
      state = time << SEQUENCE_BITS | MAX_SEQUENCE;
    }
    clock.observe(state, time); // state -1, for time 0 below this worker, changes nothing
  }

  @Override
  public ClockStats clockStats() {
    return clock.stats();
  }

  @Override
  public void writeState() {
    clock.writeState();
  }

  @Override
  public void close() {
    clock.close();
  }

  @Override
  public Id idOf(long state) {
    return new SnowflakeId(id(state));
  }

  private long id(long state) {
    return (state >>> SEQUENCE_BITS) << (WORKER_BITS + SEQUENCE_BITS)
        | workerBits
        | (state & MAX_SEQUENCE);
  }

  int worker() {
    return worker;
  }

  @Override
  public String toString() {
    return "SnowflakeGenerator[worker="
        + worker
        + (clock.store() == null ? "" : ", state=" + clock.store())
        + "]";
  }
}
