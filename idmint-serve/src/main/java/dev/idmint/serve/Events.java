package dev.idmint.serve;

import dev.idmint.id.HlcId;
import dev.idmint.id.IdEvent;
import dev.idmint.id.SnowflakeId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Where the generator's events go: state writes into the metrics only (one a second under load is
 * not news), everything else to the log as its one-line message, and the clock's states into
 * gauges. State created or resumed at start-up is kept for the start-up line instead.
 */
final class Events implements Consumer<IdEvent> {
  private final Consumer<String> log;
  private final Metrics metrics;
  private final AtomicLong writes = new AtomicLong();
  private volatile IdEvent.StateWritten lastWrite;
  private volatile Instant lastWriteAt;
  private volatile boolean started;
  private volatile String startState; // "created" or "resumed: ...", for the start-up line

  Events(Consumer<String> log, Metrics metrics) {
    this.log = log;
    this.metrics = metrics;
  }

  @Override
  public void accept(IdEvent event) {
    if (event instanceof IdEvent.StateWritten w) {
      metrics.stateWritten(w.took());
      writes.incrementAndGet();
      lastWriteAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      lastWrite = w;
      return;
    }
    if (!started && event instanceof IdEvent.StateCreated) {
      startState = "created";
      return;
    }
    if (!started && event instanceof IdEvent.StateResumed r) {
      startState =
          "resumed: IDs go on "
              + (r.floor() instanceof SnowflakeId s
                  ? "after the lease " + s.timestamp().minusMillis(1)
                  : r.floor() instanceof HlcId h
                      ? "after the lease " + h.timestamp().minusMillis(1)
                      : "from " + r.floor());
      return;
    }
    if (event instanceof IdEvent.LeadPastBound || event instanceof IdEvent.LeadBackWithinBound) {
      metrics.leadPastBound(event instanceof IdEvent.LeadPastBound);
    } else if (event instanceof IdEvent.ClockOutOfRange
        || event instanceof IdEvent.ClockBackInRange) {
      metrics.clockOutOfRange(event instanceof IdEvent.ClockOutOfRange);
    }
    log.accept(event.message());
  }

  /** From now on, state events are news for the log, not for the start-up line. */
  void started() {
    started = true;
  }

  /** State writes so far, start-up included. */
  long writes() {
    return writes.get();
  }

  /** The latest state write, or null. */
  IdEvent.StateWritten lastWrite() {
    return lastWrite;
  }

  /** When the latest state write was reported, or null. */
  Instant lastWriteAt() {
    return lastWriteAt;
  }

  /** How the state file was found at start-up, or null without one. */
  String startState() {
    return startState;
  }
}
