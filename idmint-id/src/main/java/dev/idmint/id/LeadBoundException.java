package dev.idmint.id;

import java.time.Duration;

/**
 * IDs would run further ahead of the wall clock than the max lead ({@link
 * IdFactory.Builder#maxLead}), and waiting for the clock would take longer than the caller may wait
 * ({@link IdFactory.Builder#maxWait}). No ID was issued and no time was taken: try again after
 * {@link #retryAfter()}.
 */
public final class LeadBoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  LeadBoundException(Duration retryAfter, Duration maxLead) {
    super(
        "IDs are "
            + Millis.format(maxLead.toMillis())
            + " ahead of the wall clock, the max lead: these would need the clock to move on "
            + Millis.format(Math.max(1, (retryAfter.toNanos() + 999_999) / 1_000_000))
            + " more; no ID issued");
    this.retryAfter = retryAfter;
  }

  /** How long until the clock lets these IDs go out (a lower bound: others may take them first). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
