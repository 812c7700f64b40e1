package dev.idmint.id;

import java.time.Instant;
import java.util.function.LongSupplier;

/** A wall clock that a test moves by hand. */
final class ScriptedClock implements LongSupplier {
  private volatile long millis;

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

  void set(long millis) {
    this.millis = millis;
  }

  void advance(long delta) {
    this.millis += delta;
  }
}
