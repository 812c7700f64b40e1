package dev.idmint.id;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Makes {@link IdGenerator}s.
 *
 * <pre>{@code
 * IdGenerator gen = IdFactory.builder()
 *     .scheme(Scheme.SNOWFLAKE)
 *     .node("n1", List.of("n1", "n2", "n3"))
 *     .stateDir(Path.of("/var/lib/idmint"))
 *     .build();
 * long id = gen.nextLong();
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
    private Integer workerId;
    private Path stateDir;
    private Duration maxLead = Duration.ofSeconds(10);
    private Consumer<String> events = SystemDefaults.STDERR;
    private LongSupplier clock = SystemDefaults.WALL_CLOCK;
    private LongSupplier ticker = SystemDefaults.NANO_TIME;

    Builder() {}

    /** {@link Scheme#COUNTER} by default. */
    public Builder scheme(Scheme scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    /** This node's id and all the cluster's, as Maelstrom's {@code init} gives them. */
    public Builder node(String nodeId, List<String> nodeIds) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      this.nodeIds = List.copyOf(Objects.requireNonNull(nodeIds, "nodeIds"));
      return this;
    }

    /** A snowflake worker, 0 to 1023, instead of one derived from the node ids; null derives. */
    public Builder workerId(Integer workerId) {
      this.workerId = workerId;
      return this;
    }

    /** Keep durable state in {@code dir} so that restarts never reissue an ID; null keeps none. */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
      return this;
    }

    /** Warn when snowflake IDs run this far ahead of the wall clock (10 s by default). */
    public Builder maxLead(Duration maxLead) {
      this.maxLead = Objects.requireNonNull(maxLead, "maxLead");
      return this;
    }

    /** Where clock-drift and state lines go (standard error by default). */
    public Builder events(Consumer<String> events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /** The wall clock in milliseconds since 1970 ({@code System::currentTimeMillis} by default). */
    public Builder clock(LongSupplier epochMillis) {
      this.clock = Objects.requireNonNull(epochMillis, "clock");
      return this;
    }

    /** A monotonic nanosecond clock, for rate limits; for tests. */
    Builder ticker(LongSupplier nanoTime) {
      this.ticker = Objects.requireNonNull(nanoTime, "ticker");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the settings do not make sense, saying which
     * @throws IdStateException if durable state cannot be created, read, written or parsed
     */
    public IdGenerator build() {
      if (nodeId == null) {
        throw new IllegalArgumentException("no node id: call node(nodeId, nodeIds) first");
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
      int worker = scheme == Scheme.SNOWFLAKE ? worker() : -1;
      Consumer<String> safeEvents = new SafeSink(events);
      StateFile file = null;
      if (stateDir != null) {
        checkStateDir(stateDir);
        file = new StateFile(stateDir, nodeId, scheme);
      }
      if (scheme == Scheme.COUNTER) {
        return new CounterGenerator(nodeId, clock, file, safeEvents);
      }
      long maxLeadMillis;
      try {
        maxLeadMillis = Math.min(maxLead.toMillis(), Long.MAX_VALUE / 4);
      } catch (ArithmeticException e) {
        maxLeadMillis = Long.MAX_VALUE / 4;
      }
      Drift drift = new Drift(maxLeadMillis, safeEvents, ticker);
      return new SnowflakeGenerator(worker, clock, file, drift);
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

  /** A failing log sink must not stop IDs. */
  private static final class SafeSink implements Consumer<String> {
    private final Consumer<String> sink;

    SafeSink(Consumer<String> sink) {
      this.sink = sink;
    }

    @Override
    public void accept(String line) {
      try {
        sink.accept(line);
      } catch (RuntimeException e) {
        // dropped: the line is only a report
      }
    }
  }

  /**
   * The defaults, as classes rather than method references: bootstrapping the first lambda costs a
   * node about 10 ms of start-up.
   */
  private static final class SystemDefaults implements LongSupplier, Consumer<String> {
    static final SystemDefaults WALL_CLOCK = new SystemDefaults(0);
    static final SystemDefaults NANO_TIME = new SystemDefaults(1);
    static final SystemDefaults STDERR = new SystemDefaults(2);

    private final int kind;

    private SystemDefaults(int kind) {
      this.kind = kind;
    }

    @Override
    public long getAsLong() {
      return kind == 0 ? System.currentTimeMillis() : System.nanoTime();
    }

    @Override
    public void accept(String line) {
      System.err.println(line);
    }
  }
}
