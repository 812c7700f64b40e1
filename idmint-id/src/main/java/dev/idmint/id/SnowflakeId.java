package dev.idmint.id;

import java.time.Instant;

/**
 * A snowflake-scheme ID: a non-negative 64-bit long laid out as 41 bits of milliseconds since
 * 2024-01-01T00:00:00Z, 10 bits of worker and 12 bits of sequence.
 */
public record SnowflakeId(long value) implements Id {
  /** The custom epoch, 2024-01-01T00:00:00Z, in ms since 1970: time 0 in an ID. */
  public static final long EPOCH_MILLIS = 1_704_067_200_000L;

  /** The largest time an ID holds, in ms since {@link #EPOCH_MILLIS}: 2^41 - 1. */
  public static final long MAX_TIME = (1L << 41) - 1;

  static final int WORKER_BITS = 10;
  static final int SEQUENCE_BITS = 12;
  static final int TIME_SHIFT = WORKER_BITS + SEQUENCE_BITS;

  /** The largest worker, 1023: each live generator of a cluster needs its own. */
  public static final int MAX_WORKER = (1 << WORKER_BITS) - 1;

  /** The largest sequence, 4095: a worker issues 4,096 IDs per millisecond. */
  public static final int MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;

  /**
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public SnowflakeId {
    if (value < 0) {
      throw new IllegalArgumentException("snowflake IDs are never negative, got " + value);
    }
  }

  @Override
  public Scheme scheme() {
    return Scheme.SNOWFLAKE;
  }

  /** The millisecond in the ID; after a clock jump back or a burst it may be ahead of real time. */
  public Instant timestamp() {
    return Instant.ofEpochMilli(EPOCH_MILLIS + (value >>> TIME_SHIFT));
  }

  public int worker() {
    return (int) (value >>> SEQUENCE_BITS) & MAX_WORKER;
  }

  public int sequence() {
    return (int) value & MAX_SEQUENCE;
  }

  /** By value, which orders snowflake IDs by time, then worker, then sequence. */
  @Override
  public int compareTo(Id other) {
    if (!(other instanceof SnowflakeId s)) {
      throw IdFactory.incomparable(this, other);
    }
    return Long.compare(value, s.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
