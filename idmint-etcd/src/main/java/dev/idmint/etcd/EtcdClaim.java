package dev.idmint.etcd;

import dev.idmint.etcd.EtcdClient.EtcdException;
import dev.idmint.etcd.EtcdClient.Kv;
import dev.idmint.etcd.EtcdClient.Txn;
import dev.idmint.etcd.EtcdClient.TxnResult;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;

/**
 * A worker held through etcd: its owner key, attached to a lease that the registry's keep-alive
 * thread renews, and its time T, which every {@link #commit} extends in a transaction that succeeds
 * only while the owner key is still the one this claim created.
 */
public final class EtcdClaim implements Registry.Claim {
  private final EtcdRegistry registry;
  private final int worker;
  private final long ownerRevision;
  private final long lease;
  private final OptionalLong committed; // read when claimed
  private final boolean takeover;
  private final String previous;

  private volatile long last; // the time committed last, or -1
  private volatile EtcdRegistry.State state = EtcdRegistry.State.HELD;
  private volatile String lostBecause;
  private volatile long renewedAt; // System.nanoTime() of the last renewal or the claim
  private ScheduledFuture<?> keepAlive; // guarded by this

  EtcdClaim(
      EtcdRegistry registry,
      int worker,
      long ownerRevision,
      long lease,
      WorkerRecord before,
      boolean takeover) {
    this.registry = registry;
    this.worker = worker;
    this.ownerRevision = ownerRevision;
    this.lease = lease;
    this.committed = before == null ? OptionalLong.empty() : OptionalLong.of(before.time());
    this.last = before == null ? -1 : before.time();
    this.takeover = takeover;
    this.previous = before == null ? "" : before.instance();
    this.renewedAt = System.nanoTime();
  }

  @Override
  public int worker() {
    return worker;
  }

  @Override
  public String where() {
    return registry.url() + registry.timeKey(worker);
  }

  @Override
  public OptionalLong committed() {
    return committed;
  }

  /** The time committed last: by this claim, or by the holder before it; empty if none. */
  public OptionalLong lastCommitted() {
    long t = last;
    return t < 0 ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /** The revision at which this claim created its owner key: what every commit compares. */
  public long ownerRevision() {
    return ownerRevision;
  }

  /** The etcd lease the owner key is attached to. */
  public long leaseId() {
    return lease;
  }

  /** Whether the last holder did not release the worker: its lease ran out. */
  public boolean takeover() {
    return takeover;
  }

  /** The instance that held the worker before, or empty if none did. */
  public String previousHolder() {
    return previous;
  }

  /** {@link EtcdRegistry.State#HELD}, {@link EtcdRegistry.State#LOST} or {@code RELEASED}. */
  public EtcdRegistry.State state() {
    return state;
  }

  /** Why the claim was lost, or empty while it holds. */
  public String lostBecause() {
    String why = lostBecause;
    return why == null ? "" : why;
  }

  /** Time since the lease was last renewed (or the worker claimed). */
  public Duration sinceRenewal() {
    return Duration.ofNanos(System.nanoTime() - renewedAt);
  }

  /**
   * Commits {@code mark} (ms since 1970) as the worker's time, in a transaction that succeeds only
   * while this claim's owner key exists. A mark below the one committed last leaves that one in
   * place, but still proves the claim.
   *
   * @throws dev.idmint.id.IdStateException if etcd was not reached in time, the claim was lost or
   *     closed; nothing past the time committed before may be issued
   */
  @Override
  public synchronized void commit(long mark) {
    if (state == EtcdRegistry.State.RELEASED) {
      throw new IdStateException("the claim on " + key() + " is closed: it was released", null);
    }
    if (state == EtcdRegistry.State.LOST) {
      throw new IdStateException(lostMessage(), null);
    }
    long time = Math.max(mark, last);
    Txn txn =
        new Txn()
            .ifCreatedAt(registry.ownerKey(worker), ownerRevision)
            .put(
                registry.timeKey(worker),
                new WorkerRecord(worker, time, registry.instance(), false).format(),
                0)
            .elseRange(registry.ownerKey(worker));
    TxnResult result;
    try {
      result = registry.client().txn(txn);
    } catch (EtcdException e) {
      registry.commitFailed();
      throw new IdStateException(
          "cannot commit the time of "
              + key()
              + ": "
              + e.getMessage()
              + "; no ID goes past "
              + (last < 0 ? "what was committed before" : Instant.ofEpochMilli(last).toString()),
          e);
    }
    if (!result.succeeded()) {
      registry.commitFailed();
      lost(registry.describeOwner(result.ranges().isEmpty() ? null : first(result), lease));
      throw new IdStateException(lostMessage(), null);
    }
    last = time;
    registry.committedOne();
  }

  /**
   * Releases the worker at once: marks its record released and deletes the owner key, if this claim
   * still holds it, then revokes the lease. If etcd cannot be reached, the worker frees when the
   * lease runs out. Idempotent.
   */
  @Override
  public void close() {
    boolean cleanly;
    synchronized (this) {
      if (state == EtcdRegistry.State.RELEASED) {
        return;
      }
      boolean held = state == EtcdRegistry.State.HELD;
      state = EtcdRegistry.State.RELEASED;
      if (keepAlive != null) {
        keepAlive.cancel(false);
      }
      cleanly = !held || release();
    }
    registry.released(this, cleanly);
  }

  private boolean release() {
    try {
      Txn txn = new Txn().ifCreatedAt(registry.ownerKey(worker), ownerRevision);
      if (last >= 0) {
        txn.put(
            registry.timeKey(worker),
            new WorkerRecord(worker, last, registry.instance(), true).format(),
            0);
      }
      registry.client().txn(txn.delete(registry.ownerKey(worker)));
      registry.client().revoke(lease);
      return true;
    } catch (EtcdException e) {
      return false;
    }
  }

  /** Renews the lease: the keep-alive thread's task. Returns whether the claim still holds. */
  boolean renew() {
    if (state != EtcdRegistry.State.HELD) {
      return false;
    }
    long start = System.nanoTime();
    long ttl;
    try {
      ttl = registry.client().keepAlive(lease);
    } catch (EtcdException e) {
      registry.renewalFailed(this, e.getMessage());
      return true;
    }
    long took = System.nanoTime() - start;
    if (ttl <= 0) {
      lost(
          "its etcd lease "
              + Long.toHexString(lease)
              + " expired: no renewal reached etcd within the "
              + registry.ttl().toSeconds()
              + " s TTL (cut off from etcd, or paused)");
      return false;
    }
    renewedAt = System.nanoTime();
    registry.renewed(this, Duration.ofNanos(took), ttl);
    return true;
  }

  synchronized void keepAlive(ScheduledFuture<?> future) {
    if (state == EtcdRegistry.State.HELD) {
      keepAlive = future;
    } else {
      future.cancel(false);
    }
  }

  private void lost(String why) {
    synchronized (this) {
      if (state != EtcdRegistry.State.HELD) {
        return;
      }
      lostBecause = why;
      state = EtcdRegistry.State.LOST;
      if (keepAlive != null) {
        keepAlive.cancel(false);
      }
    }
    registry.lost(this, why);
  }

  private String lostMessage() {
    return "lost "
        + key()
        + ": "
        + lostBecause
        + "; no ID goes past "
        + (last < 0 ? "what was committed before" : Instant.ofEpochMilli(last).toString())
        + ", and the next holder starts after it";
  }

  private String key() {
    return "worker " + worker + " of fleet '" + registry.fleet() + "' at " + registry.url();
  }

  private static Kv first(TxnResult r) {
    return r.ranges().get(0).isEmpty() ? null : r.ranges().get(0).get(0);
  }

  @Override
  public String toString() {
    return "etcd claim on " + key() + " (" + state + ", owner revision " + ownerRevision + ")";
  }
}
