package dev.idmint.id;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Something a generator reports about its clock or its durable state, passed to the sink set with
 * {@link IdFactory.Builder#events}. The sink runs on the thread that issues the ID and should be
 * quick; what it throws is dropped. Clock events come only from snowflake and HLC generators, state
 * events only from generators with a state dir.
 *
 * <p>{@link #message()} is the event as one log line, for callers that log rather than count.
 */
public sealed interface IdEvent {
  /** The event as one line, e.g. {@code state: created /var/lib/idmint/n1.state}. */
  String message();

  /**
   * The wall clock went back from {@code from} to {@code to}; IDs go on from the logical clock,
   * which is now {@code lead} ahead. Reported for the first jump, for any larger than all before,
   * and otherwise at most once per 10 s of wall-clock time; {@code unreported} counts the smaller
   * jumps since the last report.
   *
   * @param jumps backward jumps seen so far, this one included
   * @param largest the largest of them
   */
  record ClockWentBack(
      Instant from, Instant to, Duration lead, long jumps, Duration largest, long unreported)
      implements IdEvent {
    @Override
    public String message() {
      return "clock: wall clock went back "
          + Millis.format(Duration.between(to, from).toMillis())
          + " ("
          + from
          + " -> "
          + to
          + "); IDs go on from the logical clock, now "
          + Millis.format(lead.toMillis())
          + " ahead ["
          + jumps
          + " jump(s), largest "
          + Millis.format(largest.toMillis())
          + (unreported == 0 ? "" : "; " + unreported + " smaller jump(s) since the last report")
          + "]";
    }
  }

  /** IDs run {@code lead} ahead of the wall clock, past {@code maxLead}; they are still issued. */
  record LeadPastBound(Duration lead, Duration maxLead) implements IdEvent {
    @Override
    public String message() {
      return "clock: IDs run "
          + Millis.format(lead.toMillis())
          + " ahead of the wall clock, past the "
          + Millis.format(maxLead.toMillis())
          + " bound; still issuing them (availability first), with"
          + " timestamps ahead of real time until the wall clock catches up";
    }
  }

  /**
   * After {@link LeadPastBound}, the lead is back under half of {@code maxLead} (the gap keeps a
   * lead hovering at the bound from flooding the log).
   */
  record LeadBackWithinBound(Duration lead, Duration maxLead) implements IdEvent {
    @Override
    public String message() {
      return "clock: IDs back within "
          + Millis.format(maxLead.toMillis() / 2)
          + " of the wall clock (lead "
          + Millis.format(lead.toMillis())
          + ")";
    }
  }

  /**
   * The wall clock reads {@code wallClock}, a time the {@code scheme}'s IDs cannot hold (snowflake:
   * before 2024 or after 2093; HLC: before 1970 or after 2527); it is ignored, and IDs go on from
   * the logical clock.
   */
  record ClockOutOfRange(Instant wallClock, Scheme scheme) implements IdEvent {
    @Override
    public String message() {
      boolean hlc = scheme == Scheme.HLC;
      long first = hlc ? 0 : SnowflakeId.EPOCH_MILLIS;
      long last = hlc ? HlcId.MAX_PT : SnowflakeId.EPOCH_MILLIS + SnowflakeId.MAX_TIME;
      return "clock: wall clock reads "
          + wallClock
          + ", outside what "
          + (hlc ? "HLC" : scheme)
          + " IDs hold ("
          + Instant.ofEpochMilli(first)
          + " to "
          + Instant.ofEpochMilli(last)
          + "); ignoring it, IDs go on from the logical clock";
    }
  }

  /** After {@link ClockOutOfRange}, the wall clock reads a time IDs can hold again. */
  record ClockBackInRange(Instant wallClock) implements IdEvent {
    @Override
    public String message() {
      return "clock: wall clock back in range (" + wallClock + ")";
    }
  }

  /**
   * A generator started with no state where its registry keeps it, {@code store} (a state file's
   * path, or a registry's URL and key), and made it.
   */
  record StateCreated(String store) implements IdEvent {
    @Override
    public String message() {
      return "state: created " + store;
    }
  }

  /**
   * A generator started from the state in {@code store}: no ID it issues is below {@code floor}.
   * For counters that is the next ID itself; for snowflake and HLC IDs, the first millisecond after
   * the stored lease, with sequence or lc 0.
   */
  record StateResumed(String store, Id floor) implements IdEvent {
    @Override
    public String message() {
      return "state: resumed from "
          + store
          + (floor instanceof CounterId
              ? "; IDs go on from " + floor
              : "; IDs go on after the lease " + leaseOf(floor));
    }

    private static Instant leaseOf(Id floor) {
      return (floor instanceof SnowflakeId s ? s.timestamp() : ((HlcId) floor).timestamp())
          .minusMillis(1);
    }
  }

  /**
   * {@code store} was written durably: at start-up, and whenever a counter block or a lease is
   * renewed (about once a second under load, ahead of need). {@code took} is the whole durable
   * write (for a file: temp file, fsync, rename and directory fsync). {@code value} is what was
   * written: for counters the reserved n (every n issued is below it), for snowflake and HLC the
   * lease in ms since 1970 (no ID has a later time).
   */
  record StateWritten(String store, Duration took, long value) implements IdEvent {
    @Override
    public String message() {
      return "state: wrote "
          + store
          + " in "
          + String.format(Locale.ROOT, "%.3f", took.toNanos() / 1e6)
          + " ms";
    }
  }

  /**
   * Writing {@code store} failed: the IDs it would have covered are not issued until a write
   * succeeds. Reported for every failed write, ahead of need or not.
   */
  record StateWriteFailed(String store, IdStateException cause) implements IdEvent {
    @Override
    public String message() {
      return "state: " + cause.getMessage();
    }
  }
}
