package dev.idmint.id;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A generator's claim on its durable state, with where renewals run and who hears of them: each
 * commit is reported as {@link IdEvent.StateWritten} or {@link IdEvent.StateWriteFailed}.
 */
final class Durable {
  private final Registry.Claim claim;
  private final Scheme scheme;
  private final Executor renewer; // null: the caller renews
  private final Consumer<IdEvent> events;
  private final LongSupplier ticker;

  /** After a failed write, callers get its failure without writing again for this long. */
  static final long FAIL_FAST_NANOS = 1_000_000_000L;

  private IdStateException failure; // guarded by this
  private long failedAt; // ticker nanos; guarded by this

  Durable(
      Registry.Claim claim,
      Scheme scheme,
      Executor renewer,
      Consumer<IdEvent> events,
      LongSupplier ticker) {
    this.claim = claim;
    this.scheme = scheme;
    this.renewer = renewer;
    this.events = events;
    this.ticker = ticker;
  }

  /**
   * The mark committed before, checked against the scheme's range.
   *
   * @throws IdStateException if it is outside the range: a restart would trust a mark no generator
   *     could have written
   */
  OptionalLong committed() {
    OptionalLong mark = claim.committed();
    if (mark.isPresent()) {
      String problem = outOfRange(scheme, mark.getAsLong());
      if (problem != null) {
        throw new IdStateException(
            "cannot use the state in " + claim.where() + ": " + problem + "; no IDs issued");
      }
    }
    return mark;
  }

  /**
   * Commits {@code mark} durably, and reports it. Within a second of a failed write, it fails at
   * once with that failure, unless {@code probe}: callers that reach the end of a lease while the
   * disk is failing (an event loop, say) do not each wait for a write that fails too. A probe
   * ({@link IdGenerator#writeState()}) always writes.
   */
  void commit(long mark, boolean probe) {
    String problem = outOfRange(scheme, mark);
    if (problem != null) {
      fail(new IdStateException(scheme + " IDs exhausted: " + problem));
    }
    synchronized (this) {
      if (!probe && failure != null && ticker.getAsLong() - failedAt < FAIL_FAST_NANOS) {
        throw failure;
      }
    }
    // Measured, not scripted: a duration for metrics, which no ID depends on.
    long start = System.nanoTime();
    try {
      claim.commit(mark);
    } catch (IdStateException e) {
      synchronized (this) {
        failure = e;
        failedAt = ticker.getAsLong();
      }
      fail(e);
    }
    synchronized (this) {
      failure = null;
    }
    events.accept(
        new IdEvent.StateWritten(claim.where(), Duration.ofNanos(System.nanoTime() - start), mark));
  }

  /** The last write's failure, if it failed less than {@link #FAIL_FAST_NANOS} ago, else null. */
  synchronized IdStateException recentFailure() {
    return failure != null && ticker.getAsLong() - failedAt < FAIL_FAST_NANOS ? failure : null;
  }

  private void fail(IdStateException e) {
    events.accept(new IdEvent.StateWriteFailed(claim.where(), e));
    throw e;
  }

  /** Why {@code mark} cannot be a {@code scheme} mark, or null if it can. */
  static String outOfRange(Scheme scheme, long mark) {
    long min = scheme == Scheme.SNOWFLAKE ? SnowflakeId.EPOCH_MILLIS : 0;
    long max =
        switch (scheme) {
          case COUNTER -> CounterGenerator.MAX_RESERVED;
          case SNOWFLAKE -> SnowflakeId.EPOCH_MILLIS + SnowflakeId.MAX_TIME;
          case HLC -> HlcId.MAX_PT;
        };
    if (mark >= min && mark <= max) {
      return null;
    }
    return scheme == Scheme.COUNTER
        ? "reserved=" + mark + " is outside the counter range (0 to " + max + ")"
        : "lease "
            + mark
            + " ms is outside the "
            + scheme
            + " range ("
            + Instant.ofEpochMilli(min)
            + " to "
            + Instant.ofEpochMilli(max)
            + ")";
  }

  Executor renewer() {
    return renewer;
  }

  String where() {
    return claim.where();
  }

  int worker() {
    return claim.worker();
  }

  void emit(IdEvent event) {
    events.accept(event);
  }

  void close() {
    claim.close();
  }
}
