package dev.idmint.serve;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdStateException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Whether IDs can be issued, and if not why. A failed renewal on the request path makes the service
 * unready at once; a probe of the state dir (off the event loop, at most once a second, when
 * someone asks) makes it ready again once the dir is usable, so that a load balancer sends traffic
 * back without a request having to fail first.
 */
final class Readiness {
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

  private final Path stateDir; // null: no durable state, nothing to probe
  private final StateLock lock;
  private final LongSupplier ticker;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final ExecutorService prober;
  private volatile String renewalFailure;
  private volatile String probeFailure;
  private volatile boolean draining;
  private volatile long lastProbe;

  Readiness(Path stateDir, StateLock lock, LongSupplier ticker) {
    this.stateDir = stateDir;
    this.lock = lock;
    this.ticker = ticker;
    this.lastProbe = ticker.getAsLong();
    this.prober =
        stateDir == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "idmint-state-probe");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Null when ready, else why not. May start a probe of the state dir in the background. */
  String reason() {
    if (draining) {
      return "shutting down (SIGTERM): finishing the requests in flight";
    }
    if (prober != null
        && ticker.getAsLong() - lastProbe >= PROBE_INTERVAL_NANOS
        && probing.compareAndSet(false, true)) {
      lastProbe = ticker.getAsLong();
      try {
        prober.execute(this::probe);
      } catch (RuntimeException e) { // shut down while draining
        probing.set(false);
      }
    }
    String p = probeFailure; // the latest look at the dir says more than the last failed request
    return p != null ? p : renewalFailure;
  }

  boolean ready() {
    return reason() == null;
  }

  /** A request found that durable state cannot be renewed; no ID went out. */
  void renewalFailed(IdStateException e) {
    renewalFailure = "state cannot be renewed: " + e.getMessage();
  }

  /** Runs one probe now, on the calling thread. */
  void probe() {
    try {
      String problem = null;
      try {
        IdFactory.checkStateDir(stateDir);
        problem = lock == null ? null : lock.problem();
      } catch (IdStateException e) {
        problem = e.getMessage();
      }
      if (problem == null) {
        probeFailure = null;
        renewalFailure = null; // the dir works again: the next request renews
      } else {
        probeFailure = "state cannot be renewed: " + problem;
      }
    } finally {
      probing.set(false);
    }
  }

  void drain() {
    draining = true;
  }

  /** Whether SIGTERM came: every answer from now on closes its connection. */
  boolean draining() {
    return draining;
  }

  void close() {
    if (prober != null) {
      prober.shutdownNow();
    }
  }
}
