package dev.idmint.id;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps a snowflake generator's clock statistics and reports material changes as event lines:
 *
 * <ul>
 *   <li>a backward jump of the wall clock: the first, any larger than all before, and otherwise at
 *       most one line per {@link #JUMP_REPORT_INTERVAL_NANOS} (the others are counted into it);
 *   <li>the lead passing {@code maxLead}: one warning, and one line when it is back under half of
 *       it (the gap keeps a lead hovering at the bound from flooding the log);
 *   <li>a wall clock outside the range IDs can hold: one line when it leaves, one when it is back.
 * </ul>
 *
 * <p>Only rare paths come here: a change of the wall clock's millisecond, or a new logical one.
 */
final class Drift {
  static final long JUMP_REPORT_INTERVAL_NANOS = 10_000_000_000L;

  private final long maxLeadMillis;
  private final Consumer<String> events;
  private final LongSupplier ticker; // monotonic: rate limits must not trust the wall clock
  private final Object lock = new Object();
  private volatile boolean leadWarned;
  private volatile boolean outOfRange;
  private long jumps; // guarded by lock
  private long largestJump; // guarded by lock
  private long unreportedJumps; // guarded by lock
  private long lastJumpReportNanos; // guarded by lock
  private boolean jumpReported; // guarded by lock

  Drift(long maxLeadMillis, Consumer<String> events, LongSupplier ticker) {
    this.maxLeadMillis = maxLeadMillis;
    this.events = events;
    this.ticker = ticker;
  }

  /** The wall clock went from {@code fromMillis} back to {@code toMillis}. */
  void backwardJump(long fromMillis, long toMillis, long leadMillis) {
    long size = fromMillis - toMillis;
    synchronized (lock) {
      jumps++;
      boolean largest = size > largestJump;
      largestJump = Math.max(largestJump, size);
      long now = ticker.getAsLong();
      if (largest || !jumpReported || now - lastJumpReportNanos >= JUMP_REPORT_INTERVAL_NANOS) {
        String others =
            unreportedJumps == 0
                ? ""
                : "; " + unreportedJumps + " smaller jump(s) since the last report";
        emit(
            "clock: wall clock went back "
                + Millis.format(size)
                + " ("
                + Instant.ofEpochMilli(fromMillis)
                + " -> "
                + Instant.ofEpochMilli(toMillis)
                + "); IDs go on from the logical clock, now "
                + Millis.format(Math.max(0, leadMillis))
                + " ahead ["
                + jumps
                + " jump(s), largest "
                + Millis.format(largestJump)
                + others
                + "]");
        jumpReported = true;
        lastJumpReportNanos = now;
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
            "clock: IDs run "
                + Millis.format(leadMillis)
                + " ahead of the wall clock, past the "
                + Millis.format(maxLeadMillis)
                + " bound; still issuing them (availability first), with"
                + " timestamps ahead of real time until the wall clock catches up");
      } else if (leadWarned && leadMillis * 2 <= maxLeadMillis) {
        leadWarned = false;
        emit(
            "clock: IDs back within "
                + Millis.format(maxLeadMillis / 2)
                + " of the wall clock (lead "
                + Millis.format(Math.max(0, leadMillis))
                + ")");
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
        emit(
            inRange
                ? "clock: wall clock back in range (" + Instant.ofEpochMilli(wallMillis) + ")"
                : "clock: wall clock reads "
                    + Instant.ofEpochMilli(wallMillis)
                    + ", outside what snowflake IDs"
                    + " hold ("
                    + Instant.ofEpochMilli(SnowflakeId.EPOCH_MILLIS)
                    + " to "
                    + Instant.ofEpochMilli(SnowflakeId.EPOCH_MILLIS + SnowflakeId.MAX_TIME)
                    + "); ignoring it, IDs go on from the logical clock");
      }
    }
  }

  ClockStats stats(long leadMillis) {
    synchronized (lock) {
      return new ClockStats(Math.max(0, leadMillis), jumps, largestJump);
    }
  }

  void emit(String line) {
    events.accept(line);
  }
}
