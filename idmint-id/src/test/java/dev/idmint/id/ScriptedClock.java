package dev.idmint.id;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * A wall clock that a test moves by hand, and a monotonic ticker beside it ({@link #nanos()}) that
 * moves only with the wall clock's forward moves: a step back is the wall clock's fault, not time
 * passing.
 */
final class ScriptedClock implements LongSupplier {
  private volatile long millis;
  private volatile long nanos;

  ScriptedClock(long millis) {
    this.millis = millis;
  }

  ScriptedClock(String instant) {
    this(Instant.parse(instant).toEpochMilli());
  }

  @Override
  public long getAsLong() {
    return millis;
  }

  /** The ticker, for {@link IdFactory.Builder#ticker}. */
  long nanos() {
    return nanos;
  }

  void set(long millis) {
    advance(millis - this.millis);
  }

  void advance(long delta) {
    this.millis += delta;
    if (delta > 0) {
      this.nanos += delta * 1_000_000;
    }
  }

  /** Real time passes while the wall clock stands still (it was set back, or it is frozen). */
  void elapse(long millis) {
    this.nanos += millis * 1_000_000;
  }
}
