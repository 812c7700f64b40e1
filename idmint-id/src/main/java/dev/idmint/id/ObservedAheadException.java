package dev.idmint.id;

import java.time.Duration;
import java.time.Instant;

/**
 * {@link IdGenerator#observe(Id)} refused an ID whose time is further ahead of the wall clock than
 * the bound the generator was built with ({@link IdFactory.Builder#maxObservedLead}): following it
 * would run every later ID that far ahead. Nothing changed.
 */
public final class ObservedAheadException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final Instant observed;
  private final Instant wallClock;
  private final Duration bound;

  ObservedAheadException(Instant observed, Instant wallClock, Duration bound) {
    super(
        "refusing to order IDs after time "
            + observed
            + ": it is "
            + Millis.format(Duration.between(wallClock, observed).toMillis())
            + " ahead of the wall clock ("
            + wallClock
            + "), past the "
            + Millis.format(bound.toMillis())
            + " bound on observed IDs");
    this.observed = observed;
    this.wallClock = wallClock;
    this.bound = bound;
  }

  /** The time in the ID observed. */
  public Instant observed() {
    return observed;
  }

  /** The wall clock when it was observed. */
  public Instant wallClock() {
    return wallClock;
  }

  /** How far ahead of the wall clock an observed time may be. */
  public Duration bound() {
    return bound;
  }
}
