package dev.idmint.id;

import java.time.Duration;

/**
 * The durable state's lease runs out here, and its renewal is under way on the renewal executor: a
 * generator that may not wait ({@link IdFactory.Builder#maxWait} of zero, with a {@link
 * IdFactory.Builder#renewalExecutor}) does not write the state on the caller's thread. No ID was
 * issued and no time was taken: try again after {@link #retryAfter()}. Once a renewal has failed,
 * callers get its {@link IdStateException} instead.
 */
public final class RenewalPendingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  RenewalPendingException(String where, Duration retryAfter) {
    super(
        "the lease in "
            + where
            + " runs out here and is being renewed on the renewal executor; no ID issued");
    this.retryAfter = retryAfter;
  }

  /** How long to wait before trying again: a guess, as a renewal takes what the store takes. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
