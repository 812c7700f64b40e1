package dev.idmint.serve;

import dev.idmint.etcd.EtcdRegistry;
import dev.idmint.etcd.RegistryEvent;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The generator the event loops issue from. With a fixed worker, one for the process's life. With a
 * registry, none until a worker is claimed: claims run on a thread of their own, retried with a
 * jittered, capped backoff while etcd cannot be reached or no worker is free, and run again when
 * the claim is lost; each new generator is swapped in whole, so a request reads one volatile field.
 * The library starts a new holder of a worker past its committed time, so the swap never reissues.
 */
final class Generators {
  static final long FIRST_BACKOFF_MS = 200;
  static final long MAX_BACKOFF_MS = 5000;

  private final EtcdRegistry etcd; // null: a fixed worker
  private final IdFactory.Builder builder; // claims again through etcd; null for a fixed worker
  private final ScheduledExecutorService claimer; // null for a fixed worker
  private final Consumer<String> log;
  private volatile IdGenerator current;
  private volatile String claimError; // why the last claim failed, until one succeeds
  private volatile String lostBecause; // why the newest claim was lost, until a new one
  private long backoffMs = FIRST_BACKOFF_MS; // on the claimer thread only
  private volatile boolean closed;

  private Generators(
      IdGenerator fixed, EtcdRegistry etcd, IdFactory.Builder builder, Consumer<String> log) {
    this.current = fixed;
    this.etcd = etcd;
    this.builder = builder;
    this.log = log;
    if (etcd == null) {
      this.claimer = null;
    } else {
      ScheduledThreadPoolExecutor ex =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "idmint-registry-claim");
                t.setDaemon(true);
                return t;
              });
      ex.setRemoveOnCancelPolicy(true);
      this.claimer = ex;
    }
  }

  static Generators fixed(IdGenerator generator) {
    return new Generators(generator, null, null, null);
  }

  /**
   * Claims a worker through {@code etcd} with {@code builder} (whose registry it is), starting now
   * on a thread of its own; {@link #onRegistryEvent} must receive the registry's events.
   */
  static Generators leased(EtcdRegistry etcd, IdFactory.Builder builder, Consumer<String> log) {
    Generators g = new Generators(null, etcd, builder, log);
    g.claimer.execute(g::claim);
    return g;
  }

  /** The generator to issue from, or null while no worker is held. One volatile read. */
  IdGenerator current() {
    return current;
  }

  /** The registry, or null with a fixed worker. */
  EtcdRegistry registry() {
    return etcd;
  }

  /**
   * Why IDs cannot be issued for the registry's sake, or null: no worker yet, the claim lost, or
   * its etcd lease not renewed for two thirds of the TTL. That last one makes a holder cut off from
   * etcd unready before its lease can run out, whatever its committed time still covers.
   */
  String problem() {
    if (etcd == null) {
      return null;
    }
    if (current == null) {
      String why = claimError;
      return "registry: no worker yet: "
          + (why == null ? "claiming one from " + etcd.url() : why + "; trying again");
    }
    EtcdRegistry.Status s = etcd.status();
    if (s.state() == EtcdRegistry.State.LOST) {
      String why = lostBecause;
      String claim = claimError;
      return "registry: lost worker "
          + s.worker()
          + (why == null ? "" : ": " + why)
          + "; claiming a worker again"
          + (claim == null ? "" : " (the last claim failed: " + claim + ")");
    }
    long since = s.sinceRenewal().toMillis();
    long ttl = etcd.ttl().toMillis();
    if (since > ttl * 2 / 3) {
      return "registry: the etcd lease on worker "
          + s.worker()
          + " was last renewed "
          + since
          + " ms ago (TTL "
          + ttl
          + " ms): etcd cannot be reached at "
          + etcd.url()
          + "; IDs stop when the time committed runs out";
    }
    return null;
  }

  /** The registry's events: a lost claim is claimed again, off the keep-alive thread. */
  void onRegistryEvent(RegistryEvent e) {
    if (e instanceof RegistryEvent.Lost lost) {
      lostBecause = lost.reason();
      try {
        claimer.execute(this::reclaim);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // closing
      }
    }
  }

  private void reclaim() {
    if (!closed && etcd.status().state() == EtcdRegistry.State.LOST) {
      backoffMs = FIRST_BACKOFF_MS;
      claim();
    }
  }

  /** One claim; on failure, the next after a jittered backoff. On the claimer thread. */
  private void claim() {
    if (closed) {
      return;
    }
    IdGenerator fresh;
    try {
      fresh = builder.build();
    } catch (RuntimeException e) {
      String why = e.getMessage();
      if (claimError == null || !claimError.equals(why)) {
        log.accept(
            "registry: " + why + "; trying again, backing off up to " + MAX_BACKOFF_MS + " ms");
      }
      claimError = why;
      long d = backoffMs;
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      try {
        claimer.schedule(
            this::claim,
            d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1),
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // closing
      }
      return;
    }
    claimError = null;
    lostBecause = null;
    backoffMs = FIRST_BACKOFF_MS;
    IdGenerator old = current;
    current = fresh;
    if (old != null) {
      old.close(); // its claim is lost: closing it writes nothing to etcd
    }
    if (closed) { // raced with close(): give the worker back
      fresh.close();
    }
  }

  /** Stops claiming, and releases the worker held (at once, if etcd can be reached). */
  void close() {
    closed = true;
    if (claimer != null) {
      claimer.shutdown();
      try {
        if (!claimer.awaitTermination(5, TimeUnit.SECONDS)) {
          claimer.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    IdGenerator g = current;
    if (g != null) {
      g.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }
}
