package dev.idmint.etcd;

import dev.idmint.etcd.EtcdClient.EtcdException;
import dev.idmint.etcd.EtcdClient.Kv;
import dev.idmint.etcd.EtcdClient.Txn;
import dev.idmint.etcd.EtcdClient.TxnResult;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Registry;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link Registry} in etcd: snowflake workers leased to the instances of a fleet, each worker's
 * time T kept beside its owner, so that a new holder starts after the last T any holder committed.
 * See {@code docs/registry.md} for the safety argument and the key layout.
 *
 * <pre>{@code
 * EtcdRegistry etcd = EtcdRegistry.builder("etcd://10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379")
 *     .fleet("orders")
 *     .build();
 * IdGenerator ids = IdFactory.builder()
 *     .scheme(Scheme.SNOWFLAKE)
 *     .node("orders")
 *     .registry(etcd) // no workerId: etcd picks a free worker
 *     .build();
 * }</pre>
 *
 * <p>Claims are snowflake claims: counter and HLC IDs carry the node id, not a worker, and are
 * refused with {@link IllegalArgumentException}. Each claim has its own etcd lease, renewed every
 * third of the TTL on the registry's keep-alive thread, off the path that issues IDs.
 */
public final class EtcdRegistry implements Registry, AutoCloseable {
  /** Where the registry's claim stands. */
  public enum State {
    /** No claim yet, or one being made. */
    ACQUIRING,
    /** A worker is held. */
    HELD,
    /** The worker's lease expired or another holder has it: commits fail; claim again. */
    LOST,
    /** The claim was closed and the worker released. */
    RELEASED;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A snapshot for {@code /v1/info} and {@code /metrics}: the settings, the newest claim, and
   * counts since the registry was built.
   *
   * @param worker the worker held (or last held), -1 before the first claim
   * @param ownerRevision the etcd revision at which the claim was made, 0 before it
   * @param committed the time T committed last (ms since 1970), by this holder or the one before
   * @param renewals lease renewals that reached etcd
   * @param renewalFailures renewals that did not
   * @param lastRenewal how long the last renewal took
   * @param sinceRenewal time since the lease was last renewed (or the worker claimed)
   * @param commits commits of T that succeeded
   * @param commitFailures commits of T that failed (etcd not reached, or the claim lost)
   * @param takeovers claims of a worker whose last holder's lease ran out instead of a release
   */
  public record Status(
      String url,
      String fleet,
      String instance,
      State state,
      int worker,
      long ownerRevision,
      OptionalLong committed,
      long renewals,
      long renewalFailures,
      Duration lastRenewal,
      Duration sinceRenewal,
      long commits,
      long commitFailures,
      long takeovers) {
    /** How long the committed time T still covers, at {@code nowMillis}; 0 if it has run out. */
    public long timeLeftMillis(long nowMillis) {
      return committed.isPresent() ? Math.max(0, committed.getAsLong() - nowMillis) : 0;
    }
  }

  static final String DEFAULT_FLEET = "default";
  static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  /** etcd's smallest TTL under its default election timeout (1 s): 1.5 s, in whole seconds. */
  static final Duration MIN_TTL = Duration.ofSeconds(2);

  static final Duration MAX_TTL = Duration.ofDays(1);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MAX_ATTEMPT = Duration.ofSeconds(1);

  /** Workers tried from one reading of the fleet before reading it again. */
  private static final int TRIES_PER_READ = 8;

  private static final int READS = 8;

  private final EtcdClient client;
  private final String fleet;
  private final String prefix;
  private final String instance;
  private final int lo;
  private final int hi;
  private final Duration ttl;
  private final Consumer<? super RegistryEvent> events;
  private final ScheduledThreadPoolExecutor keepAlive;
  private final Set<EtcdClaim> open = ConcurrentHashMap.newKeySet();
  private volatile EtcdClaim current;
  private volatile boolean closed;

  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong renewalFailures = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong commitFailures = new AtomicLong();
  private final AtomicLong takeovers = new AtomicLong();
  private volatile long lastRenewalNanos;

  private EtcdRegistry(Builder b, Endpoints endpoints, String instance) {
    Duration attempt = b.timeout.compareTo(MAX_ATTEMPT) < 0 ? b.timeout : MAX_ATTEMPT;
    this.client = new EtcdClient(endpoints, b.timeout, attempt);
    this.fleet = b.fleet;
    this.prefix = "/idmint/" + b.fleet + "/";
    this.instance = instance;
    this.lo = b.lo;
    this.hi = b.hi;
    this.ttl = b.ttl;
    this.events = b.events;
    this.keepAlive =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "idmint-etcd-keepalive");
              t.setDaemon(true);
              return t;
            });
    keepAlive.setRemoveOnCancelPolicy(true);
  }

  /**
   * A registry on the etcd cluster at {@code url}, {@code etcd://HOST:PORT[,HOST:PORT...]}; every
   * member listed is tried in turn.
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** Settings for an {@link EtcdRegistry}. Only the URL is required. */
  public static final class Builder {
    private final String url;
    private String fleet = DEFAULT_FLEET;
    private String instance; // null: the host name
    private int lo = 0;
    private int hi = SnowflakeId.MAX_WORKER;
    private Duration ttl = DEFAULT_TTL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Consumer<? super RegistryEvent> events = e -> {};

    private Builder(String url) {
      this.url = url;
    }

    /**
     * The fleet: its workers are keys under {@code /idmint/<fleet>/}, and two fleets on one etcd
     * share nothing. {@code default} by default; letters, digits, {@code .}, {@code _} and {@code
     * -}, at most 64.
     */
    public Builder fleet(String fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
      return this;
    }

    /**
     * This instance's name: it gets back the worker it held last when that one is free. The host
     * name by default; letters, digits, {@code .}, {@code _} and {@code -}, at most 253.
     */
    public Builder instance(String instance) {
      this.instance = Objects.requireNonNull(instance, "instance");
      return this;
    }

    /** The workers this registry chooses from, {@code lo} to {@code hi}; 0 to 1023 by default. */
    public Builder workerIds(int lo, int hi) {
      this.lo = lo;
      this.hi = hi;
      return this;
    }

    /** {@link #workerIds(int, int)} from {@code LO-HI}, or {@code N} for one worker. */
    public Builder workerIds(String range) {
      Objects.requireNonNull(range, "range");
      if (!range.matches("[0-9]{1,4}(-[0-9]{1,4})?")) {
        throw new IllegalArgumentException(
            "worker ids must be LO-HI (or N), within 0-"
                + SnowflakeId.MAX_WORKER
                + ", got '"
                + range
                + "'");
      }
      int dash = range.indexOf('-');
      return dash < 0
          ? workerIds(Integer.parseInt(range), Integer.parseInt(range))
          : workerIds(
              Integer.parseInt(range.substring(0, dash)),
              Integer.parseInt(range.substring(dash + 1)));
    }

    /**
     * How long a worker stays held after its holder stops renewing: a holder that died or was cut
     * off from etcd is replaced after this. 10 s by default; whole seconds, 2 s (etcd's smallest
     * under its default election timeout) to 1 day. A clean {@link EtcdClaim#close()} frees the
     * worker at once. No ID depends on it: a holder cut off past it issues nothing its successor
     * could.
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * How long one call to etcd may take, failover to other members included: 5 s by default, 100
     * ms to 1 min. A member is given at most 1 s before the next is tried.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Where claim events go; by default nowhere. Quick: it runs on the keep-alive thread. */
    public Builder events(Consumer<? super RegistryEvent> events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * Checks the settings and makes the registry; nothing is sent to etcd until a claim.
     *
     * @throws IllegalArgumentException saying which setting is wrong
     */
    public EtcdRegistry build() {
      Endpoints endpoints = Endpoints.parse(url);
      if (!fleet.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException(
            "fleet must be 1 to 64 letters, digits, '.', '_' or '-', got '" + fleet + "'");
      }
      String name = instance != null ? instance : hostName();
      if (!name.matches("[A-Za-z0-9._-]{1,253}")) {
        throw new IllegalArgumentException(
            "instance must be 1 to 253 letters, digits, '.', '_' or '-', got '"
                + name
                + "'"
                + (instance == null ? " (the host name): name the instance" : ""));
      }
      if (lo < 0 || hi > SnowflakeId.MAX_WORKER || lo > hi) {
        throw new IllegalArgumentException(
            "worker ids must be LO-HI with 0 <= LO <= HI <= "
                + SnowflakeId.MAX_WORKER
                + ", got "
                + lo
                + "-"
                + hi);
      }
      if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0 || ttl.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException(
            "registry TTL must be whole seconds from 2 s (etcd's smallest) to 1 day, got "
                + ttl.toMillis()
                + " ms");
      }
      if (timeout.compareTo(Duration.ofMillis(100)) < 0
          || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "registry timeout must be 100 ms to 1 min, got " + timeout.toMillis() + " ms");
      }
      return new EtcdRegistry(this, endpoints, name);
    }
  }

  /**
   * Claims {@code worker} (0 to 1023, any, not only those in {@link Builder#workerIds}), or with -1
   * a free one: the worker this instance held last if it is free, else the free worker in the range
   * whose time is the oldest (never-used workers first).
   *
   * @throws IllegalArgumentException for a counter or HLC claim (the etcd registry assigns
   *     snowflake workers), or a worker outside -1 to 1023
   * @throws dev.idmint.id.IdStateException if the worker is held, no worker in the range is free,
   *     or etcd cannot be reached; nothing was claimed
   */
  @Override
  public EtcdClaim claim(Scheme scheme, String node, int worker) {
    Objects.requireNonNull(scheme, "scheme");
    if (scheme != Scheme.SNOWFLAKE) {
      throw new IllegalArgumentException(
          "the etcd registry assigns snowflake workers; "
              + scheme
              + " IDs carry their node id"
              + (node == null ? "" : " ('" + node + "')")
              + " instead of a worker, so keep their state in a state dir");
    }
    if (worker < -1 || worker > SnowflakeId.MAX_WORKER) {
      throw new IllegalArgumentException(
          "worker must be 0.." + SnowflakeId.MAX_WORKER + ", or -1 to choose one; got " + worker);
    }
    if (closed) {
      throw new IllegalStateException("the etcd registry " + this + " is closed");
    }
    long lease;
    try {
      lease = client.grant(ttl.toSeconds());
    } catch (EtcdException e) {
      throw new IdStateException(
          "cannot claim a worker in fleet '" + fleet + "': " + e.getMessage() + "; nothing claimed",
          e);
    }
    EtcdClaim claim;
    try {
      claim = worker >= 0 ? claimExactly(worker, lease) : choose(lease);
    } catch (RuntimeException e) {
      try {
        client.revoke(lease);
      } catch (EtcdException ignored) {
        // it runs out by itself within the TTL, and holds no key
      }
      if (e instanceof EtcdException) {
        throw new IdStateException(
            "cannot claim a worker in fleet '"
                + fleet
                + "': "
                + e.getMessage()
                + "; nothing claimed",
            e);
      }
      throw e;
    }
    open.add(claim);
    current = claim;
    if (claim.takeover()) {
      takeovers.incrementAndGet();
    }
    emit(
        new RegistryEvent.Acquired(
            claim.worker(), claim.ownerRevision(), claim.takeover(), claim.previousHolder()));
    scheduleRenewal(claim, renewEvery());
    return claim;
  }

  private EtcdClaim claimExactly(int worker, long lease) {
    for (int read = 0; read < READS; read++) {
      List<Kv> kvs = client.range(timeKey(worker), "");
      Taken t = take(worker, lease, kvs.isEmpty() ? null : kvs.get(0));
      if (t.claim != null) {
        return t.claim;
      }
      if (t.holder != null) {
        throw new IdStateException(
            "worker "
                + worker
                + " of fleet '"
                + fleet
                + "' is held by "
                + describeHolder(t.holder)
                + ": two live holders of one worker would issue the same IDs. Stop that one,"
                + " wait for its lease to run out (up to "
                + ttl.toSeconds()
                + " s after it stopped), or claim another worker; nothing claimed",
            null);
      }
    }
    throw new IdStateException(
        "worker "
            + worker
            + " of fleet '"
            + fleet
            + "' kept changing while claimed; nothing claimed",
        null);
  }

  private EtcdClaim choose(long lease) {
    Set<String> holders = new TreeSet<>();
    for (int read = 0; read < READS; read++) {
      Map<Integer, Kv> owners = new HashMap<>();
      Map<Integer, Kv> times = new HashMap<>();
      for (Kv kv : client.range(workerKey(lo), workerKey(hi + 1))) {
        String rest = kv.key().substring(prefix.length() + "worker/".length());
        int slash = rest.indexOf('/');
        int w;
        try {
          w = Integer.parseInt(rest.substring(0, slash));
        } catch (RuntimeException e) {
          continue; // not a key of ours
        }
        String leaf = rest.substring(slash + 1);
        if (leaf.equals("owner")) {
          owners.put(w, kv);
        } else if (leaf.equals("time")) {
          times.put(w, kv);
        }
      }
      List<Integer> free = new ArrayList<>();
      Map<Integer, WorkerRecord> records = new HashMap<>();
      List<String> unusable = new ArrayList<>();
      for (int w = lo; w <= hi; w++) {
        if (owners.containsKey(w)) {
          continue;
        }
        Kv kv = times.get(w);
        if (kv != null) {
          try {
            records.put(w, WorkerRecord.parse(kv.value(), w, url() + timeKey(w)));
          } catch (IdStateException e) {
            unusable.add(e.getMessage()); // one bad record must not stop the fleet
            continue;
          }
        }
        free.add(w);
      }
      if (free.isEmpty()) {
        for (Kv o : owners.values()) {
          holders.add(ownerInstance(o));
        }
        throw new IdStateException(
            "no free worker in "
                + lo
                + "-"
                + hi
                + " of fleet '"
                + fleet
                + "' at "
                + url()
                + ": "
                + owners.size()
                + " held (by "
                + String.join(", ", holders)
                + ")"
                + (unusable.isEmpty()
                    ? ""
                    : ", " + unusable.size() + " passed over: " + String.join("; ", unusable))
                + ". A worker frees when its holder stops, or when its lease runs out "
                + ttl.toSeconds()
                + " s after a holder dies; nothing claimed",
            null);
      }
      // This instance's last worker first (L2), then the one idle longest (never used first).
      free.sort(
          Comparator.comparing((Integer w) -> !isMine(records.get(w)))
              .thenComparingLong(w -> records.containsKey(w) ? records.get(w).time() : -1)
              .thenComparingInt(w -> w));
      for (int i = 0; i < Math.min(TRIES_PER_READ, free.size()); i++) {
        int w = free.get(i);
        Taken t = take(w, lease, times.get(w));
        if (t.claim != null) {
          return t.claim;
        }
      }
    }
    throw new IdStateException(
        "could not claim a free worker in "
            + lo
            + "-"
            + hi
            + " of fleet '"
            + fleet
            + "': other instances took each one first; nothing claimed",
        null);
  }

  private boolean isMine(WorkerRecord r) {
    return r != null && r.instance().equals(instance);
  }

  /** A claim, or the holder that has the worker, or neither (the record moved: read again). */
  private record Taken(EtcdClaim claim, Kv holder) {}

  /**
   * Creates the owner key, if there is none and the time record is still {@code time} as read; the
   * record names this instance as holder in the same transaction.
   */
  private Taken take(int worker, long lease, Kv time) {
    WorkerRecord before =
        time == null ? null : WorkerRecord.parse(time.value(), worker, url() + timeKey(worker));
    Txn txn =
        new Txn()
            .ifCreatedAt(ownerKey(worker), 0)
            .ifModifiedAt(timeKey(worker), time == null ? 0 : time.modRevision())
            .put(ownerKey(worker), "idmint-owner v=1 instance=" + instance, lease);
    if (before != null) {
      txn.put(timeKey(worker), before.heldBy(instance).format(), 0);
    }
    TxnResult r = client.txn(txn.elseRange(ownerKey(worker)));
    long revision;
    if (r.succeeded()) {
      revision = r.revision();
    } else {
      List<Kv> owner = r.ranges().isEmpty() ? List.of() : r.ranges().get(0);
      if (owner.isEmpty()) {
        return new Taken(null, null); // the record moved on: read again
      }
      Kv o = owner.get(0);
      if (o.lease() != lease) {
        return new Taken(null, o);
      }
      // An earlier attempt of this very transaction went through, unseen (a timeout).
      revision = o.createRevision();
    }
    boolean takeover = before != null && !before.released();
    return new Taken(new EtcdClaim(this, worker, revision, lease, before, takeover), null);
  }

  /** For a lost claim's message: who holds the worker now, if anyone. */
  String describeOwner(Kv owner, long lease) {
    if (owner == null) {
      return "its etcd lease "
          + Long.toHexString(lease)
          + " expired, and with it the owner key: no renewal reached etcd within the "
          + ttl.toSeconds()
          + " s TTL (cut off from etcd, or paused)";
    }
    return "it was taken over by " + describeHolder(owner) + " after its lease expired";
  }

  private String describeHolder(Kv owner) {
    return "instance '"
        + ownerInstance(owner)
        + "' (lease "
        + Long.toHexString(owner.lease())
        + ", since revision "
        + owner.createRevision()
        + ")";
  }

  private static String ownerInstance(Kv owner) {
    int at = owner.value().indexOf("instance=");
    return at < 0 ? "?" : owner.value().substring(at + "instance=".length()).split(" ")[0];
  }

  /** The newest claim's state and the counts so far. */
  public Status status() {
    EtcdClaim c = current;
    long last = lastRenewalNanos;
    return new Status(
        url(),
        fleet,
        instance,
        c == null ? State.ACQUIRING : c.state(),
        c == null ? -1 : c.worker(),
        c == null ? 0 : c.ownerRevision(),
        c == null ? OptionalLong.empty() : c.lastCommitted(),
        renewals.get(),
        renewalFailures.get(),
        Duration.ofNanos(last),
        c == null ? Duration.ZERO : c.sinceRenewal(),
        commits.get(),
        commitFailures.get(),
        takeovers.get());
  }

  /** The members, as {@code etcd://HOST:PORT,...}. */
  public String url() {
    return client.url();
  }

  public String fleet() {
    return fleet;
  }

  public String instance() {
    return instance;
  }

  public Duration ttl() {
    return ttl;
  }

  /** The workers chosen from, as {@code LO-HI}. */
  public String workerIds() {
    return lo + "-" + hi;
  }

  /** Releases every claim still open, and stops the keep-alive thread. */
  @Override
  public void close() {
    closed = true;
    for (EtcdClaim c : List.copyOf(open)) {
      c.close();
    }
    keepAlive.shutdownNow();
  }

  @Override
  public String toString() {
    return "etcd registry " + url() + " fleet '" + fleet + "' instance '" + instance + "'";
  }

  String ownerKey(int worker) {
    return workerKey(worker) + "owner";
  }

  String timeKey(int worker) {
    return workerKey(worker) + "time";
  }

  private String workerKey(int worker) {
    return prefix + "worker/" + String.format(java.util.Locale.ROOT, "%04d", worker) + "/";
  }

  EtcdClient client() {
    return client;
  }

  private long renewEvery() {
    return ttl.toMillis() / 3;
  }

  private void scheduleRenewal(EtcdClaim claim, long delayMillis) {
    try {
      claim.keepAlive(keepAlive.schedule(() -> renewal(claim), delayMillis, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException e) {
      // closed: the claim is being released
    }
  }

  private void renewal(EtcdClaim claim) {
    long before = renewalFailures.get();
    if (claim.renew()) {
      // After a failure, try again sooner: the lease has two thirds of its TTL left at most.
      boolean failed = renewalFailures.get() != before;
      scheduleRenewal(claim, failed ? Math.max(200, renewEvery() / 4) : renewEvery());
    }
  }

  void renewed(EtcdClaim claim, Duration took, long ttlSeconds) {
    renewals.incrementAndGet();
    lastRenewalNanos = took.toNanos();
    emit(new RegistryEvent.Renewed(claim.worker(), took, ttlSeconds));
  }

  void renewalFailed(EtcdClaim claim, String why) {
    renewalFailures.incrementAndGet();
    emit(new RegistryEvent.RenewalFailed(claim.worker(), why));
  }

  void lost(EtcdClaim claim, String why) {
    emit(new RegistryEvent.Lost(claim.worker(), why));
  }

  void released(EtcdClaim claim, boolean cleanly) {
    open.remove(claim);
    emit(new RegistryEvent.Released(claim.worker(), cleanly));
  }

  void committedOne() {
    commits.incrementAndGet();
  }

  void commitFailed() {
    commitFailures.incrementAndGet();
  }

  private void emit(RegistryEvent e) {
    try {
      events.accept(e);
    } catch (RuntimeException ignored) {
      // events are reports: a failing sink must not stop renewals
    }
  }

  /** The host name, without a DNS lookup where the kernel says it. */
  static String hostName() {
    // Not Files.readString: procfs reports a size of 0.
    try (InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/hostname"))) {
      String name = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: ask the JDK
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
