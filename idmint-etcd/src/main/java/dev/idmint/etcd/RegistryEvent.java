package dev.idmint.etcd;

import java.time.Duration;
import java.util.Locale;

/**
 * Something an {@link EtcdRegistry} reports about a claim, passed to the sink set with {@link
 * EtcdRegistry.Builder#events}: on the claiming thread, or on the registry's keep-alive thread.
 * What the sink throws is dropped. {@link #message()} is the event as one log line.
 */
public sealed interface RegistryEvent {
  String message();

  /** The worker whose claim this is about. */
  int worker();

  /**
   * The claim on {@code worker} was made at {@code ownerRevision}. {@code takeover}: its last
   * holder, {@code previous}, did not release it, and its lease ran out.
   */
  record Acquired(int worker, long ownerRevision, boolean takeover, String previous)
      implements RegistryEvent {
    @Override
    public String message() {
      return "registry: claimed worker "
          + worker
          + " at revision "
          + ownerRevision
          + (takeover
              ? ", taken over from " + previous + ", whose lease ran out"
              : previous.isEmpty() ? "" : " (last held by " + previous + ")");
    }
  }

  /**
   * The claim's lease was renewed; it has {@code ttlSeconds} to run, and the call took {@code
   * took}.
   */
  record Renewed(int worker, Duration took, long ttlSeconds) implements RegistryEvent {
    @Override
    public String message() {
      return "registry: renewed the lease of worker "
          + worker
          + " in "
          + String.format(Locale.ROOT, "%.3f", took.toNanos() / 1e6)
          + " ms";
    }
  }

  /** A renewal could not reach etcd; the lease runs on until its TTL, and is retried before. */
  record RenewalFailed(int worker, String reason) implements RegistryEvent {
    @Override
    public String message() {
      return "registry: could not renew the lease of worker " + worker + ": " + reason;
    }
  }

  /**
   * The claim is lost: its lease expired, or another holder has the worker. Its commits fail from
   * now on, so the generator issues nothing past the time committed last; a caller claims again.
   */
  record Lost(int worker, String reason) implements RegistryEvent {
    @Override
    public String message() {
      return "registry: lost worker " + worker + ": " + reason;
    }
  }

  /** The claim was closed, and the worker released at once (if etcd could be reached). */
  record Released(int worker, boolean cleanly) implements RegistryEvent {
    @Override
    public String message() {
      return "registry: released worker "
          + worker
          + (cleanly ? "" : " (etcd not reached: it frees when its lease runs out)");
    }
  }
}
