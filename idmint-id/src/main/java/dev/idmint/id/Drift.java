package dev.idmint.id;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Keeps a snowflake or HLC generator's clock statistics and reports material changes as {@link
 * IdEvent}s:
 *
 * <ul>
 *   <li>a backward jump of the wall clock: the first, any larger than all before, and otherwise at
 *       most one per {@link #JUMP_REPORT_INTERVAL_MILLIS} of wall-clock time (the others are
 *       counted into it);
 *   <li>the lead passing {@code maxLead}: one warning, and one event when it is back under half of
 *       it (the gap keeps a lead hovering at the bound from flooding the log);
 *   <li>a wall clock outside the range IDs can hold: one event when it leaves, one when it is back.
 * </ul>
 *
 * <p>Only rare paths come here: a change of the wall clock's millisecond, or a new logical one.
 */
final class Drift {
  static final long JUMP_REPORT_INTERVAL_MILLIS = 10_000;

  private final long maxLeadMillis;
  private final Consumer<IdEvent> events;
  private final Scheme scheme;
  private final Object lock = new Object();
  private volatile boolean leadWarned;
  private volatile boolean outOfRange;
  private long jumps; // guarded by lock
  private long largestJump; // guarded by lock
  private long unreportedJumps; // guarded by lock
  private long lastJumpReportWall; // guarded by lock
  private boolean jumpReported; // guarded by lock

  Drift(long maxLeadMillis, Consumer<IdEvent> events, Scheme scheme) {
    this.maxLeadMillis = maxLeadMillis;
    this.events = events;
    this.scheme = scheme;
  }

  Scheme scheme() {
    return scheme;
  }

  /**
   * The wall clock went from {@code fromMillis} back to {@code toMillis}. The rate limit measures
   * time by that same clock, from the reading at the last report: a jump that lands far from it is
   * news and is reported at once.
   */
  void backwardJump(long fromMillis, long toMillis, long leadMillis) {
    long size = fromMillis - toMillis;
    synchronized (lock) {
      jumps++;
      boolean largest = size > largestJump;
      largestJump = Math.max(largestJump, size);
      if (largest
          || !jumpReported
          || Math.abs(toMillis - lastJumpReportWall) >= JUMP_REPORT_INTERVAL_MILLIS) {
        emit(
            new IdEvent.ClockWentBack(
                Instant.ofEpochMilli(fromMillis),
                Instant.ofEpochMilli(toMillis),
                Duration.ofMillis(Math.max(0, leadMillis)),
                jumps,
                Duration.ofMillis(largestJump),
                unreportedJumps));
        jumpReported = true;
        lastJumpReportWall = toMillis;
        unreportedJumps = 0;
      } else {
        unreportedJumps++;
      }
    }
  }

  /** The logical clock is {@code leadMillis} ahead of the wall clock. */
  void lead(long leadMillis) {
    boolean warned = leadWarned;
    if (warned ? leadMillis * 2 > maxLeadMillis : leadMillis <= maxLeadMillis) {
      return;
    }
    synchronized (lock) {
      if (!leadWarned && leadMillis > maxLeadMillis) {
        leadWarned = true;
        emit(
            new IdEvent.LeadPastBound(
                Duration.ofMillis(leadMillis), Duration.ofMillis(maxLeadMillis)));
      } else if (leadWarned && leadMillis * 2 <= maxLeadMillis) {
        leadWarned = false;
        emit(
            new IdEvent.LeadBackWithinBound(
                Duration.ofMillis(Math.max(0, leadMillis)), Duration.ofMillis(maxLeadMillis)));
      }
    }
  }

  /** Whether the wall clock reads a time IDs can hold; out-of-range readings are ignored. */
  void inRange(boolean inRange, long wallMillis) {
    if (inRange != outOfRange) {
      return;
    }
    synchronized (lock) {
      if (outOfRange == inRange) {
        outOfRange = !inRange;
        Instant wall = Instant.ofEpochMilli(wallMillis);
        emit(
            inRange
                ? new IdEvent.ClockBackInRange(wall)
                : new IdEvent.ClockOutOfRange(wall, scheme));
      }
    }
  }

  ClockStats stats(long leadMillis) {
    synchronized (lock) {
      return new ClockStats(Math.max(0, leadMillis), jumps, largestJump);
    }
  }

  void emit(IdEvent event) {
    events.accept(event);
  }
}
