package dev.idmint.id;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Makes {@link IdGenerator}s.
 *
 * <pre>{@code
 * IdGenerator ids = IdFactory.builder()
 *     .scheme(Scheme.SNOWFLAKE)
 *     .node("orders-7")
 *     .workerId(7)
 *     .stateDir(Path.of("/var/lib/orders/ids"))
 *     .build();
 * long id = ids.nextLong();
 * }</pre>
 */
public final class IdFactory {
  /** Snowflake IDs have 10 bits of worker. */
  static final int MAX_NODES = SnowflakeId.MAX_WORKER + 1;

  static final Duration DEFAULT_MAX_LEAD = Duration.ofSeconds(10);
  static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(100);
  private static final Duration MAX_MAX_LEAD = Duration.ofDays(1);

  private IdFactory() {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Start-up check for a state dir: it exists or can be created, and files can be made in it.
   *
   * @throws IdStateException saying why not
   */
  public static void checkStateDir(Path dir) {
    StateFile.checkDir(Objects.requireNonNull(dir, "dir"));
  }

  /**
   * The snowflake worker for {@code nodeId}: k if every id is {@code n<k>} with distinct k below
   * 1024 (Maelstrom's naming), else the node's index in {@code nodeIds}.
   */
  static int deriveWorker(String nodeId, List<String> nodeIds) {
    Map<Integer, String> byNumber = new HashMap<>();
    for (String id : nodeIds) {
      int k = nodeNumber(id);
      if (k < 0 || byNumber.putIfAbsent(k, id) != null) {
        return nodeIds.indexOf(nodeId);
      }
    }
    return nodeNumber(nodeId);
  }

  /** k for {@code n<k>} with k below 1024, else -1. */
  private static int nodeNumber(String id) {
    if (id.length() < 2 || id.length() > 5 || id.charAt(0) != 'n') {
      return -1;
    }
    int k = 0;
    for (int i = 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      k = k * 10 + (c - '0');
    }
    return k < MAX_NODES ? k : -1;
  }

  /** Settings for a generator. Only {@link #node} is required. */
  public static final class Builder {
    private Scheme scheme = Scheme.COUNTER;
    private String nodeId;
    private List<String> nodeIds;
    private Integer workerId; // null: derive
    private Registry registry; // null: no durable state
    private Duration maxLead = DEFAULT_MAX_LEAD;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private boolean startAhead;
    private LongSupplier ticker; // null: System.nanoTime()
    private Duration maxObservedLead; // null: maxLead
    private Consumer<? super IdEvent> events; // null: System.Logger "dev.idmint.id"
    private LongSupplier clock; // null: System.currentTimeMillis()
    private Executor renewalExecutor; // null: the caller renews

    Builder() {}

    /** {@link Scheme#COUNTER} by default, or {@link Scheme#SNOWFLAKE} or {@link Scheme#HLC}. */
    public Builder scheme(Scheme scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    /**
     * This node's id and all the cluster's, as Maelstrom's {@code init} gives them. The node id is
     * part of counter and HLC IDs and names the state file; the list gives the snowflake worker
     * unless {@link #workerId} does.
     */
    public Builder node(String nodeId, List<String> nodeIds) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      this.nodeIds = List.copyOf(Objects.requireNonNull(nodeIds, "nodeIds"));
      return this;
    }

    /**
     * This node's id, with no list of the others: {@code node(nodeId, List.of(nodeId))}. For
     * snowflakes, set {@link #workerId} too, unless the id is {@code n<k>} and k is the worker.
     */
    public Builder node(String nodeId) {
      return node(nodeId, List.of(Objects.requireNonNull(nodeId, "nodeId")));
    }

    /**
     * The snowflake worker, 0 to 1023, unique in the cluster. By default it is derived from the
     * node ids: k if every id is {@code n<k>} with distinct k (Maelstrom's naming), else the node's
     * index in the list.
     */
    public Builder workerId(int workerId) {
      this.workerId = workerId;
      return this;
    }

    /**
     * Keep durable state in {@code dir} so that restarts never reissue an ID; null keeps none. A
     * snowflake generator's file is {@code w<worker>.state}, a counter or HLC one's {@code
     * <node>.state}; each is locked while its generator runs, so two generators on one worker or
     * node fail to start. Shorthand for {@code registry(Registry.stateDir(dir))}.
     */
    public Builder stateDir(Path dir) {
      this.registry = dir == null ? null : Registry.stateDir(dir);
      return this;
    }

    /**
     * Where the generator claims its worker (or node) and keeps its durable state, so that
     * restarts, and other holders of the same worker after it, never reissue an ID. A registry that
     * assigns workers picks one when {@link #workerId} is not set.
     */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Where durable state is renewed ahead of need (a snowflake or HLC lease, a counter's next
     * block: a file write and an fsync), so that no caller waits for one while the executor keeps
     * up; an event-loop server wants this. By default the caller that reaches the renewal point
     * renews, while the others go on. Either way a caller that reaches the end of the lease or
     * block renews it itself, and gets the error if that fails.
     */
    public Builder renewalExecutor(Executor executor) {
      this.renewalExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * How far ahead of the wall clock demand may run snowflake and HLC IDs: 10 s by default, 1 ms
     * to 1 day. A burst borrows time up to it at the layout's full rate; past it, IDs go out no
     * faster than the clock moves, and a caller waits (see {@link #maxWait}). A lead the clock
     * causes, stepping back, never blocks: the bound is measured from the latest time the clock has
     * read, carried forward by {@link System#nanoTime()}, so IDs go on at the full rate. The lead
     * past this bound is reported as {@link IdEvent.LeadPastBound}.
     */
    public Builder maxLead(Duration maxLead) {
      this.maxLead = Objects.requireNonNull(maxLead, "maxLead");
      return this;
    }

    /**
     * How long a call may wait for the clock when its IDs would run past {@link #maxLead}; past it,
     * the call throws {@link LeadBoundException}, which says how long to wait, and takes no ID. 100
     * ms by default: a 100,000-ID batch needs 25 ms of a snowflake worker's time, and a longer wait
     * is overload, better surfaced than queued. {@link Duration#ZERO} never waits: an event loop
     * wants that, and schedules the retry itself. With a {@link #renewalExecutor} too, it does not
     * wait for durable state either: a snowflake or HLC caller at the lease's end leaves the write
     * to the executor and gets {@link RenewalPendingException} (or the last write's failure).
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
      return this;
    }

    /**
     * Without durable state, whether snowflake and HLC IDs start at the wall clock plus {@link
     * #maxLead} (true) or at the wall clock (false, the default). The last run's IDs stayed within
     * the max lead of its reference time, so starting past it means a restart reissues nothing
     * unless the clock went back (or the max lead was lowered, or IDs observed from a clock further
     * ahead than the restart took were followed), at the price of timestamps up to the max lead
     * ahead until the clock catches up. Off by default: IDs then stamp physical time, as an HLC
     * should, and equal peers do not see each other's fresh IDs as running ahead. Durable state
     * makes this moot: a restart resumes after its lease. {@code idmint serve} turns it on.
     */
    public Builder startAhead(boolean startAhead) {
      this.startAhead = startAhead;
      return this;
    }

    /**
     * The monotonic clock, in ns, that carries the lead bound's reference time forward while the
     * wall clock is behind it: {@code System.nanoTime()} by default, or, when {@link #clock} is
     * given, that clock's forward moves, so that a scripted clock alone keeps the generator
     * deterministic.
     */
    public Builder ticker(LongSupplier nanoTime) {
      this.ticker = Objects.requireNonNull(nanoTime, "ticker");
      return this;
    }

    /**
     * How far ahead of the wall clock the time in an ID passed to {@link IdGenerator#observe(Id)}
     * may be; beyond it the call throws {@link ObservedAheadException}. By default it is {@link
     * #maxLead}. A caller that must follow any clock, as the HLC rules do, can lift it with a very
     * large bound; the lead warning still reports what that does.
     */
    public Builder maxObservedLead(Duration bound) {
      this.maxObservedLead = Objects.requireNonNull(bound, "bound");
      return this;
    }

    /**
     * Where clock and state events go. By default they are logged to the {@link System.Logger}
     * named {@code dev.idmint.id}: {@link IdEvent.StateWritten} at DEBUG, the state and
     * back-to-normal events at INFO, the clock faults at WARNING.
     */
    public Builder events(Consumer<? super IdEvent> events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * The wall clock, in milliseconds since 1970 ({@code System.currentTimeMillis()} by default).
     * Unless {@link #ticker} is given too, it is the only time the generator reads, so a scripted
     * clock makes it deterministic.
     */
    public Builder clock(LongSupplier epochMillis) {
      this.clock = Objects.requireNonNull(epochMillis, "clock");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the settings do not make sense, saying which
     * @throws IdStateException if durable state cannot be created, read, written or parsed
     */
    public IdGenerator build() {
      if (nodeId == null) {
        throw new IllegalArgumentException("no node id: call node(nodeId) first");
      }
      if (nodeId.isEmpty()) {
        throw new IllegalArgumentException("node id is empty");
      }
      if (!nodeIds.contains(nodeId)) {
        throw new IllegalArgumentException(
            "node id '" + nodeId + "' is not in node_ids " + nodeIds);
      }
      if (new HashSet<>(nodeIds).size() != nodeIds.size()) {
        throw new IllegalArgumentException("node_ids lists a node more than once: " + nodeIds);
      }
      if (maxLead.compareTo(Duration.ofMillis(1)) < 0 || maxLead.compareTo(MAX_MAX_LEAD) > 0) {
        throw new IllegalArgumentException("max lead must be 1 ms to 1 day, got " + maxLead);
      }
      if (maxWait.isNegative() || maxWait.compareTo(MAX_MAX_LEAD) > 0) {
        throw new IllegalArgumentException("max wait must be 0 to 1 day, got " + maxWait);
      }
      if (maxObservedLead != null && maxObservedLead.isNegative()) {
        throw new IllegalArgumentException(
            "max observed lead must not be negative, got " + maxObservedLead);
      }
      boolean assigns = registry != null && !(registry instanceof StateDir) && workerId == null;
      int worker = scheme != Scheme.SNOWFLAKE ? -1 : assigns ? -1 : worker();
      Consumer<IdEvent> sink = new SafeSink(events != null ? events : new LoggerSink());
      LongSupplier wallClock = clock != null ? clock : System::currentTimeMillis;
      LongSupplier nanos =
          ticker != null ? ticker : clock != null ? new ForwardTicker(clock) : new NanoTime();
      Durable durable = null;
      if (registry != null) {
        Registry.Claim claim = registry.claim(scheme, nodeId, worker);
        durable = new Durable(claim, scheme, renewalExecutor, sink, nanos);
        if (scheme == Scheme.SNOWFLAKE) {
          worker = claim.worker();
          if (worker < 0 || worker > SnowflakeId.MAX_WORKER) {
            claim.close();
            throw new IllegalStateException(registry + " gave worker " + worker + ", not 0..1023");
          }
        }
      }
      try {
        if (scheme == Scheme.COUNTER) {
          return new CounterGenerator(nodeId, wallClock, durable);
        }
        long lead = millis(maxLead);
        LogicalClock.Bound bound =
            new LogicalClock.Bound(
                lead,
                maxObservedLead == null ? lead : millis(maxObservedLead),
                maxWait.toNanos(),
                startAhead);
        if (scheme == Scheme.HLC) {
          return new HlcGenerator(nodeId, wallClock, nanos, durable, sink, bound);
        }
        return new SnowflakeGenerator(worker, wallClock, nanos, durable, sink, bound);
      } catch (RuntimeException e) {
        if (durable != null) {
          durable.close(); // a generator that never started gives its claim back
        }
        throw e;
      }
    }

    /** In ms, capped far beyond any time the layouts hold, so that sums cannot overflow. */
    private static long millis(Duration d) {
      try {
        return Math.min(d.toMillis(), Long.MAX_VALUE / 4);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE / 4;
      }
    }

    private int worker() {
      if (nodeIds.size() > MAX_NODES) {
        throw new IllegalArgumentException(
            nodeIds.size()
                + " nodes, but snowflake IDs have room for "
                + MAX_NODES
                + " workers (10 bits); use the counter scheme or fewer nodes");
      }
      if (workerId == null) {
        return deriveWorker(nodeId, nodeIds);
      }
      if (workerId < 0 || workerId > SnowflakeId.MAX_WORKER) {
        throw new IllegalArgumentException(
            "worker id must be 0.." + SnowflakeId.MAX_WORKER + ", got " + workerId);
      }
      return workerId;
    }
  }

  static IllegalArgumentException otherScheme(Id seen, Scheme scheme) {
    return new IllegalArgumentException(
        "cannot order "
            + scheme
            + " IDs after "
            + (seen == null ? "null" : "the " + seen.scheme() + " ID " + seen)
            + ": IDs of different schemes do not compare");
  }

  /** For compareTo: a null is a NullPointerException, an ID of another scheme a ClassCast. */
  static RuntimeException incomparable(Id id, Id other) {
    if (other == null) {
      return new NullPointerException(
          "cannot compare the " + id.scheme() + " ID " + id + " with null");
    }
    return new ClassCastException(
        "cannot compare the "
            + id.scheme()
            + " ID "
            + id
            + " with "
            + "the "
            + other.scheme()
            + " ID "
            + other
            + ": IDs of different schemes do not compare");
  }

  /** The default ticker; a class, not a method reference, which would cost the node's start-up. */
  private static final class NanoTime implements LongSupplier {
    @Override
    public long getAsLong() {
      return System.nanoTime();
    }
  }

  /**
   * The ticker beside a clock the caller gave: time passes as that clock moves forward, so that a
   * scripted clock alone keeps the generator deterministic.
   */
  private static final class ForwardTicker implements LongSupplier {
    private final LongSupplier clock;
    private long last; // guarded by this
    private long nanos; // guarded by this

    ForwardTicker(LongSupplier clock) {
      this.clock = clock;
      this.last = clock.getAsLong();
    }

    @Override
    public synchronized long getAsLong() {
      long now = clock.getAsLong();
      if (now > last) {
        nanos += (now - last) * 1_000_000;
      }
      last = now;
      return nanos;
    }
  }

  /** A failing sink must not stop IDs: events are only reports. */
  private static final class SafeSink implements Consumer<IdEvent> {
    private final Consumer<? super IdEvent> sink;

    SafeSink(Consumer<? super IdEvent> sink) {
      this.sink = sink;
    }

    @Override
    public void accept(IdEvent event) {
      try {
        sink.accept(event);
      } catch (RuntimeException e) {
        // dropped
      }
    }
  }

  /** The default sink: the JDK's platform logger, which applications route where they like. */
  private static final class LoggerSink implements Consumer<IdEvent> {
    private final System.Logger logger = System.getLogger("dev.idmint.id");

    @Override
    public void accept(IdEvent event) {
      System.Logger.Level level;
      if (event instanceof IdEvent.StateWritten) {
        level = System.Logger.Level.DEBUG;
      } else if (event instanceof IdEvent.ClockWentBack
          || event instanceof IdEvent.LeadPastBound
          || event instanceof IdEvent.ClockOutOfRange) {
        level = System.Logger.Level.WARNING;
      } else {
        level = System.Logger.Level.INFO;
      }
      if (logger.isLoggable(level)) {
        logger.log(level, event.message());
      }
    }
  }
}
