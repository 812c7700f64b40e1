package dev.idmint.serve;

import dev.idmint.etcd.RegistryEvent;
import dev.idmint.id.HlcId;
import dev.idmint.id.IdEvent;
import dev.idmint.id.SnowflakeId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Where the generator's events go: state writes into the metrics and {@code /v1/info} (one a second
 * under load is not news), failed writes into readiness, the metrics and the log once per episode,
 * everything else to the log as its one-line message, and the clock's states into gauges. State
 * created or resumed at start-up is kept for the start-up line instead.
 */
final class Events implements Consumer<IdEvent> {
  private final Consumer<String> log;
  private final Metrics metrics;
  private final Readiness readiness;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile String store; // the state file, once the generator has named it
  private volatile IdEvent.StateWritten lastWrite;
  private volatile Instant lastWriteAt;
  private final AtomicBoolean failing =
      new AtomicBoolean(); // since a failed write, until one works
  private final AtomicBoolean renewalsFailing = new AtomicBoolean();
  private volatile boolean started;
  private volatile String startState; // "created" or "resumed: ...", for the start-up line

  Events(Consumer<String> log, Metrics metrics, Readiness readiness) {
    this.log = log;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  @Override
  public void accept(IdEvent event) {
    if (event instanceof IdEvent.StateWritten w) {
      written(w);
      return;
    }
    if (event instanceof IdEvent.StateWriteFailed f) {
      failed(f);
      return;
    }
    if (event instanceof IdEvent.StateCreated c) {
      store = c.store();
      if (!started) {
        startState = "created";
        return;
      }
    }
    if (event instanceof IdEvent.StateResumed r) {
      store = r.store();
      if (!started) {
        startState =
            "resumed: IDs go on "
                + (r.floor() instanceof SnowflakeId s
                    ? "after the lease " + s.timestamp().minusMillis(1)
                    : r.floor() instanceof HlcId h
                        ? "after the lease " + h.timestamp().minusMillis(1)
                        : "from " + r.floor());
        return;
      }
    }
    if (event instanceof IdEvent.LeadPastBound || event instanceof IdEvent.LeadBackWithinBound) {
      metrics.leadPastBound(event instanceof IdEvent.LeadPastBound);
    } else if (event instanceof IdEvent.ClockOutOfRange
        || event instanceof IdEvent.ClockBackInRange) {
      metrics.clockOutOfRange(event instanceof IdEvent.ClockOutOfRange);
    }
    log.accept(event.message());
  }

  private void written(IdEvent.StateWritten w) {
    metrics.stateWritten(w.took());
    writes.incrementAndGet();
    lastWriteAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    lastWrite = w;
    store = w.store();
    readiness.stateWritten();
    if (failing.compareAndSet(true, false)) {
      log.accept(
          "state: wrote "
              + w.store()
              + " again; ready ("
              + failures.get()
              + " failed write(s) so far)");
    }
  }

  /**
   * A failed write, ahead of need or on a request's path: every one is counted, the first of an
   * episode logged with its cause, and readiness is 503 until a write succeeds.
   */
  private void failed(IdEvent.StateWriteFailed f) {
    metrics.stateWriteFailed();
    failures.incrementAndGet();
    store = f.store();
    String cause = f.cause().getMessage();
    readiness.stateWriteFailed(cause);
    if (failing.compareAndSet(false, true)) {
      log.accept(
          "state: "
              + cause
              + "; IDs beyond the state written wait for a write that succeeds, and /readyz answers"
              + " 503 until then (further failures are counted in"
              + " idmint_state_write_failures_total, not logged)");
    }
  }

  /**
   * The registry's events: renewals into the metrics, the first failed renewal of an episode and
   * every claim, loss and release into the log.
   */
  void registry(RegistryEvent e) {
    if (e instanceof RegistryEvent.Renewed r) {
      metrics.registryRenewed(r.took());
      if (renewalsFailing.compareAndSet(true, false)) {
        log.accept("registry: renewed the lease of worker " + r.worker() + " again");
      }
      return;
    }
    if (e instanceof RegistryEvent.RenewalFailed && !renewalsFailing.compareAndSet(false, true)) {
      return; // counted in idmint_registry_renewal_failures_total
    }
    log.accept(e.message());
  }

  /** From now on, state events are news for the log, not for the start-up line. */
  void started() {
    started = true;
  }

  /** State writes so far, start-up included. */
  long writes() {
    return writes.get();
  }

  /** Failed state writes so far. */
  long failures() {
    return failures.get();
  }

  /** The state file (or a registry's key), or null without durable state. */
  String store() {
    return store;
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
