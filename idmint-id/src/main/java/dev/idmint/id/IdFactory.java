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
    private Path stateDir;
    private Duration maxLead = Duration.ofSeconds(10);
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

    /** Keep durable state in {@code dir} so that restarts never reissue an ID; null keeps none. */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
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

    /** Report when snowflake or HLC IDs run this far ahead of the wall clock (10 s by default). */
    public Builder maxLead(Duration maxLead) {
      this.maxLead = Objects.requireNonNull(maxLead, "maxLead");
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
     * It is the only time the generator reads, so a scripted clock makes it deterministic.
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
      if (maxLead.isNegative() || maxLead.isZero()) {
        throw new IllegalArgumentException("max lead must be positive, got " + maxLead);
      }
      if (maxObservedLead != null && maxObservedLead.isNegative()) {
        throw new IllegalArgumentException(
            "max observed lead must not be negative, got " + maxObservedLead);
      }
      int worker = scheme == Scheme.SNOWFLAKE ? worker() : -1;
      Consumer<IdEvent> sink = new SafeSink(events != null ? events : new LoggerSink());
      LongSupplier wallClock = clock != null ? clock : System::currentTimeMillis;
      StateFile file = null;
      if (stateDir != null) {
        checkStateDir(stateDir);
        file = new StateFile(stateDir, nodeId, scheme, sink, renewalExecutor);
      }
      if (scheme == Scheme.COUNTER) {
        return new CounterGenerator(nodeId, wallClock, file, sink);
      }
      long lead = millis(maxLead);
      long observed = maxObservedLead == null ? lead : millis(maxObservedLead);
      if (scheme == Scheme.HLC) {
        return new HlcGenerator(nodeId, wallClock, file, sink, lead, observed);
      }
      return new SnowflakeGenerator(worker, wallClock, file, sink, lead, observed);
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
