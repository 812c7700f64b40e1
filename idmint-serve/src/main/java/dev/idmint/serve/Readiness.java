package dev.idmint.serve;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether IDs can be issued, and if not why. A failed state write (a renewal ahead of need, or one
 * on a request's path) makes the service unready at once, and only a write that succeeds makes it
 * ready again. While unready, asking (a /readyz poll, a metrics scrape) starts a real write of the
 * state off the event loop, at most once a second, so that readiness returns by itself once the
 * disk is back, without a request having to fail first.
 */
final class Readiness {
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

  private final LongSupplier ticker;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile Runnable writeState; // null until the generator is built
  private volatile Executor writer;
  private volatile Supplier<String> registry = () -> null; // why the registry stops IDs, or null
  private volatile String failure; // the last failed write's cause, until a write succeeds
  private volatile boolean draining;
  private volatile long lastProbe;

  Readiness(LongSupplier ticker) {
    this.ticker = ticker;
    this.lastProbe = ticker.getAsLong() - PROBE_INTERVAL_NANOS;
  }

  /**
   * How to write the state for a probe, the thread that writes it, and what says why the registry
   * stops IDs (null when it does not).
   */
  void probeWith(Runnable writeState, Executor writer, Supplier<String> registry) {
    this.writer = writer;
    this.writeState = writeState;
    this.registry = registry;
  }

  /** Null when ready, else why not. While a write is failing, may start a probe. */
  String reason() {
    if (draining) {
      return "shutting down (SIGTERM): finishing the requests in flight";
    }
    String r = registry.get();
    if (r != null) {
      return r;
    }
    String f = failure;
    if (f == null) {
      return null;
    }
    probe();
    return "state cannot be written: " + f;
  }

  boolean ready() {
    return reason() == null;
  }

  private void probe() {
    Runnable write = writeState;
    long now = ticker.getAsLong();
    if (write == null
        || now - lastProbe < PROBE_INTERVAL_NANOS
        || !probing.compareAndSet(false, true)) {
      return;
    }
    lastProbe = now;
    try {
      writer.execute(
          () -> {
            try {
              write.run(); // its success or failure comes back as an event
            } catch (RuntimeException e) {
              // reported as StateWriteFailed already
            } finally {
              probing.set(false);
            }
          });
    } catch (RejectedExecutionException e) { // shut down while draining
      probing.set(false);
    }
  }

  /** A state write failed with {@code cause}: unready until one succeeds. */
  void stateWriteFailed(String cause) {
    failure = cause;
  }

  void stateWritten() {
    failure = null;
  }

  void drain() {
    draining = true;
  }

  /** Whether SIGTERM came: every answer from now on closes its connection. */
  boolean draining() {
    return draining;
  }
}
