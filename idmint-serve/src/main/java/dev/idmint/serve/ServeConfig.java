package dev.idmint.serve;

import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The service's settings. Each comes from a flag on {@code idmint serve}, else from the matching
 * {@code IDMINT_*} environment variable, else a default.
 *
 * @param bind the address to listen on
 * @param port the port; 0 picks a free one
 * @param scheme snowflake (default), counter or hlc
 * @param worker the snowflake worker, 0 to 1023
 * @param workerSource where the worker came from, for the start-up line; null if nothing said
 * @param node the node in counter and HLC IDs, {@code w<worker>} by default; names a counter's or
 *     HLC's state file ({@code <node>.state}; a snowflake's is {@code w<worker>.state})
 * @param stateDir durable state; null keeps none
 * @param maxLead how far ahead of the wall clock demand may run snowflake and HLC IDs (1 ms to 1
 *     day); also how far ahead an {@code after=} ID may be
 * @param limits what one client may ask and how long it may take
 * @param registry where workers are leased from (etcd), or null: then the worker is the one given
 */
public record ServeConfig(
    String bind,
    int port,
    Scheme scheme,
    int worker,
    String workerSource,
    String node,
    Path stateDir,
    Duration maxLead,
    Limits limits,
    Registry registry) {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_MAX_COUNT = 10_000;
  public static final int MAX_MAX_COUNT = 100_000;
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;

  /** etcd's smallest lease TTL under its default election timeout; whole seconds. */
  static final long MIN_REGISTRY_TTL_MS = 2000;

  static final long DEFAULT_REGISTRY_TTL_MS = 10_000;

  /**
   * Workers leased from etcd ({@code --registry}).
   *
   * @param url {@code etcd://HOST:PORT[,HOST:PORT...]}
   * @param fleet the keys' prefix, {@code /idmint/<fleet>/}
   * @param instance this instance's name: it gets its last worker back when that one is free
   * @param workerIds the workers to choose from, {@code LO-HI}
   * @param ttl how long a worker stays held after its holder stops renewing
   * @param exact whether the worker was given ({@code --worker-id}): then exactly it is claimed
   */
  public record Registry(
      String url, String fleet, String instance, String workerIds, Duration ttl, boolean exact) {}

  /** The registry's flags on {@code idmint serve}; null where not given. */
  public record RegistryFlags(
      String registry, String fleet, String instance, String workerIds, Long ttlMillis) {
    public static RegistryFlags none() {
      return new RegistryFlags(null, null, null, null, null);
    }
  }

  /** The library's bound on the max lead: a day. */
  static final long MAX_MAX_LEAD_MS = 86_400_000L;

  /**
   * What one client may ask and how long it may take.
   *
   * @param maxCount the largest {@code count} of one request
   * @param maxConnections open connections beyond this are closed at once
   * @param maxBodyBytes a larger request body gets 413
   * @param requestTimeout a request must arrive whole (headers and body) this soon after its first
   *     byte, or after the connection opened; otherwise 408 and the connection closes
   * @param idleTimeout a keep-alive connection with no request for this long is closed
   * @param shutdownDelay on SIGTERM, /readyz answers 503 and everything else is served as before
   *     for this long, so that load balancers stop sending requests before the drain
   * @param drainTimeout after the shutdown delay, requests in flight get this long to finish
   */
  public record Limits(
      int maxCount,
      int maxConnections,
      int maxBodyBytes,
      Duration requestTimeout,
      Duration idleTimeout,
      Duration shutdownDelay,
      Duration drainTimeout) {
    public static Limits defaults() {
      return new Limits(
          DEFAULT_MAX_COUNT,
          DEFAULT_MAX_CONNECTIONS,
          4096,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          Duration.ZERO,
          Duration.ofSeconds(5));
    }

    public Limits withMaxCount(int n) {
      return new Limits(
          n,
          maxConnections,
          maxBodyBytes,
          requestTimeout,
          idleTimeout,
          shutdownDelay,
          drainTimeout);
    }

    public Limits withMaxConnections(int n) {
      return new Limits(
          maxCount, n, maxBodyBytes, requestTimeout, idleTimeout, shutdownDelay, drainTimeout);
    }

    public Limits withShutdownDelay(Duration d) {
      return new Limits(
          maxCount, maxConnections, maxBodyBytes, requestTimeout, idleTimeout, d, drainTimeout);
    }
  }

  /**
   * The flags of {@code idmint serve}; null where not given.
   *
   * @param workerIdFromHostname the StatefulSet's name: the host name must be {@code
   *     <name>-<ordinal>}
   */
  public record Flags(
      Integer port,
      String bind,
      Scheme scheme,
      Integer workerId,
      String workerIdFromHostname,
      String node,
      Path stateDir,
      Long maxLeadMillis,
      Integer maxCount,
      Integer maxConnections,
      Long shutdownDelayMillis) {
    public static Flags none() {
      return new Flags(null, null, null, null, null, null, null, null, null, null, null);
    }
  }

  /** A config with every default: port 8080 on 127.0.0.1, snowflake worker 0, no state. */
  public static ServeConfig defaults() {
    return new ServeConfig(
        DEFAULT_BIND,
        DEFAULT_PORT,
        Scheme.SNOWFLAKE,
        0,
        null,
        "w0",
        null,
        Duration.ofSeconds(10),
        Limits.defaults(),
        null);
  }

  public ServeConfig withPort(int p) {
    return new ServeConfig(
        bind, p, scheme, worker, workerSource, node, stateDir, maxLead, limits, registry);
  }

  public ServeConfig withScheme(Scheme s) {
    return new ServeConfig(
        bind, port, s, worker, workerSource, node, stateDir, maxLead, limits, registry);
  }

  public ServeConfig withStateDir(Path dir) {
    return new ServeConfig(
        bind, port, scheme, worker, workerSource, node, dir, maxLead, limits, registry);
  }

  public ServeConfig withMaxLead(Duration d) {
    return new ServeConfig(
        bind, port, scheme, worker, workerSource, node, stateDir, d, limits, registry);
  }

  public ServeConfig withLimits(Limits l) {
    return new ServeConfig(
        bind, port, scheme, worker, workerSource, node, stateDir, maxLead, l, registry);
  }

  /**
   * Settings from {@code flags}, else from {@code env}, else the defaults.
   *
   * @param hostname the host name, read only for {@code --worker-id-from-hostname}
   * @throws IllegalArgumentException naming the flag or variable and what it expects
   */
  public static ServeConfig resolve(
      Flags flags, Map<String, String> env, Supplier<String> hostname) {
    return resolve(flags, RegistryFlags.none(), env, hostname);
  }

  /**
   * Settings from {@code flags} and {@code registryFlags}, else from {@code env}, else the
   * defaults.
   *
   * @param hostname the host name, read for {@code --worker-id-from-hostname} and as the registry's
   *     default instance name
   * @throws IllegalArgumentException naming the flag or variable and what it expects
   */
  public static ServeConfig resolve(
      Flags flags,
      RegistryFlags registryFlags,
      Map<String, String> env,
      Supplier<String> hostname) {
    Env e = new Env(env);
    int port = flags.port() != null ? flags.port() : e.integer("IDMINT_PORT", DEFAULT_PORT);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535 (0: any free port), got " + port);
    }
    String bind = flags.bind() != null ? flags.bind() : e.string("IDMINT_BIND", DEFAULT_BIND);
    if (bind.isBlank()) {
      throw new IllegalArgumentException("bind address is empty");
    }
    Scheme scheme = flags.scheme() != null ? flags.scheme() : e.scheme();

    Integer worker;
    String source;
    if (flags.workerId() != null && flags.workerIdFromHostname() != null) {
      throw new IllegalArgumentException("give --worker-id or --worker-id-from-hostname, not both");
    } else if (flags.workerId() != null) {
      worker = flags.workerId();
      source = "--worker-id";
    } else if (flags.workerIdFromHostname() != null) {
      String host = hostname.get();
      worker = ordinal(host, flags.workerIdFromHostname(), "--worker-id-from-hostname");
      source = "host name " + host.trim();
    } else {
      // Both variables may be set: on Kubernetes the worker comes from the pod-index label, and
      // the host name is the fallback where a cluster has no such label (an empty variable).
      worker = e.integer("IDMINT_WORKER_ID", null);
      source = worker == null ? null : "IDMINT_WORKER_ID";
      String set = e.raw("IDMINT_WORKER_ID_FROM_HOSTNAME");
      if (set != null) {
        String host = hostname.get();
        int fromHost = ordinal(host, set, "IDMINT_WORKER_ID_FROM_HOSTNAME");
        if (worker == null) {
          worker = fromHost;
          source = "host name " + host.trim();
        } else if (worker != fromHost) {
          throw new IllegalArgumentException(
              "IDMINT_WORKER_ID="
                  + worker
                  + " but the host name "
                  + host.trim()
                  + " says worker "
                  + fromHost
                  + " (IDMINT_WORKER_ID_FROM_HOSTNAME="
                  + set
                  + "); one instance has one worker id");
        }
      }
    }
    if (worker != null && (worker < 0 || worker > SnowflakeId.MAX_WORKER)) {
      throw new IllegalArgumentException(
          "worker id must be 0.."
              + SnowflakeId.MAX_WORKER
              + ", got "
              + worker
              + " (from "
              + source
              + ")");
    }
    int w = worker == null ? 0 : worker;
    Path stateDir = flags.stateDir() != null ? flags.stateDir() : e.path("IDMINT_STATE_DIR");
    Registry registry = registry(registryFlags, e, hostname, scheme, stateDir, worker != null);

    String node =
        flags.node() != null
            ? flags.node()
            : e.string(
                "IDMINT_NODE",
                registry != null && worker == null ? leasedNode(registry.instance()) : "w" + w);
    checkNode(node);
    long maxLead =
        flags.maxLeadMillis() != null
            ? flags.maxLeadMillis()
            : e.integer("IDMINT_MAX_LEAD_MS", 10_000).longValue();
    if (maxLead < 1 || maxLead > MAX_MAX_LEAD_MS) {
      throw new IllegalArgumentException(
          "max lead must be 1 to "
              + MAX_MAX_LEAD_MS
              + " ms (1 ms to 1 day), got "
              + maxLead
              + " ms");
    }
    int maxCount =
        flags.maxCount() != null
            ? flags.maxCount()
            : e.integer("IDMINT_MAX_COUNT", DEFAULT_MAX_COUNT);
    if (maxCount < 1 || maxCount > MAX_MAX_COUNT) {
      throw new IllegalArgumentException(
          "max count must be 1.." + MAX_MAX_COUNT + ", got " + maxCount);
    }
    int maxConnections =
        flags.maxConnections() != null
            ? flags.maxConnections()
            : e.integer("IDMINT_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS);
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "max connections must be at least 1, got " + maxConnections);
    }
    long delay =
        flags.shutdownDelayMillis() != null
            ? flags.shutdownDelayMillis()
            : e.integer("IDMINT_SHUTDOWN_DELAY_MS", 0).longValue();
    if (delay < 0 || delay > 600_000) {
      throw new IllegalArgumentException(
          "shutdown delay must be 0..600000 ms, got " + delay + " ms");
    }
    return new ServeConfig(
        bind,
        port,
        scheme,
        w,
        source,
        node,
        stateDir,
        Duration.ofMillis(maxLead),
        Limits.defaults()
            .withMaxCount(maxCount)
            .withMaxConnections(maxConnections)
            .withShutdownDelay(Duration.ofMillis(delay)),
        registry);
  }

  /**
   * A leased worker's default node: the instance's name, if it can be one (snowflake IDs do not
   * carry it; it names the instance in /v1/info and the metrics).
   */
  private static String leasedNode(String instance) {
    try {
      checkNode(instance);
      return instance;
    } catch (IllegalArgumentException e) {
      return "leased";
    }
  }

  /** The registry's settings, or null without {@code --registry}. */
  private static Registry registry(
      RegistryFlags flags,
      Env e,
      Supplier<String> hostname,
      Scheme scheme,
      Path stateDir,
      boolean exact) {
    String url = flags.registry() != null ? flags.registry() : e.raw("IDMINT_REGISTRY");
    String fleet = flags.fleet() != null ? flags.fleet() : e.raw("IDMINT_FLEET");
    String instance = flags.instance() != null ? flags.instance() : e.raw("IDMINT_INSTANCE");
    String workerIds = flags.workerIds() != null ? flags.workerIds() : e.raw("IDMINT_WORKER_IDS");
    Long ttl =
        flags.ttlMillis() != null
            ? flags.ttlMillis()
            : e.raw("IDMINT_REGISTRY_TTL_MS") == null
                ? null
                : e.integer("IDMINT_REGISTRY_TTL_MS", null).longValue();
    if (url == null) {
      if (fleet != null || instance != null || workerIds != null || ttl != null) {
        throw new IllegalArgumentException(
            "--fleet, --instance, --worker-ids and --registry-ttl-ms (and their IDMINT_ variables)"
                + " are settings of the registry: give --registry etcd://HOST:PORT too");
      }
      return null;
    }
    if (scheme != Scheme.SNOWFLAKE) {
      throw new IllegalArgumentException(
          "--registry leases snowflake workers; "
              + scheme
              + " IDs carry their node instead of a worker: run them with --state-dir");
    }
    if (stateDir != null) {
      throw new IllegalArgumentException(
          "give --registry or --state-dir, not both: with a registry each worker's time is kept in"
              + " etcd, where the next holder of the worker reads it");
    }
    long ttlMs = ttl == null ? DEFAULT_REGISTRY_TTL_MS : ttl;
    if (ttlMs < MIN_REGISTRY_TTL_MS || ttlMs > MAX_MAX_LEAD_MS || ttlMs % 1000 != 0) {
      throw new IllegalArgumentException(
          "registry TTL must be whole seconds from "
              + MIN_REGISTRY_TTL_MS
              + " ms (etcd's smallest under its default election timeout) to "
              + MAX_MAX_LEAD_MS
              + " ms, got "
              + ttlMs
              + " ms");
    }
    if (workerIds != null && exact) {
      throw new IllegalArgumentException(
          "give --worker-id (claim exactly that worker) or --worker-ids (choose one in a range),"
              + " not both");
    }
    return new Registry(
        url,
        fleet == null ? "default" : fleet,
        instance == null ? hostname.get().trim() : instance,
        workerIds == null ? "0-" + SnowflakeId.MAX_WORKER : workerIds,
        Duration.ofMillis(ttlMs),
        exact);
  }

  /**
   * The worker in a StatefulSet pod's host name: its first label must be exactly {@code
   * <statefulSet>-<ordinal>}, the ordinal 0..1023 without leading zeros, as Kubernetes names the
   * pods ({@code idmint-0}, {@code idmint-1}, ...). Anything else is refused rather than read
   * loosely: {@code ip-10-0-1-23} is not worker 23, nor {@code idmint-007} worker 7.
   *
   * @param setting the flag or variable that asked, for the message
   * @throws IllegalArgumentException saying what was expected
   */
  public static int ordinal(String hostname, String statefulSet, String setting) {
    if (statefulSet.isEmpty()) {
      throw new IllegalArgumentException(
          setting
              + " needs the StatefulSet's name, as in "
              + setting
              + "=idmint for pods idmint-0, idmint-1, ...; got nothing");
    }
    String host = hostname == null ? "" : hostname.trim();
    int dot = host.indexOf('.');
    String label = dot < 0 ? host : host.substring(0, dot);
    if (!label.startsWith(statefulSet + "-")
        || !isOrdinal(label.substring(statefulSet.length() + 1))) {
      throw new IllegalArgumentException(
          setting
              + "="
              + statefulSet
              + " takes the worker id from a host name whose first label is "
              + statefulSet
              + "-<ordinal>, the ordinal 0.."
              + SnowflakeId.MAX_WORKER
              + " without leading zeros (the pods of StatefulSet "
              + statefulSet
              + " are "
              + statefulSet
              + "-0, "
              + statefulSet
              + "-1, ...); the host name is '"
              + host
              + "'. Give --worker-id N or IDMINT_WORKER_ID instead");
    }
    return Integer.parseInt(label.substring(statefulSet.length() + 1));
  }

  private static boolean isOrdinal(String digits) {
    if (digits.isEmpty()
        || digits.length() > 4
        || (digits.length() > 1 && digits.charAt(0) == '0')
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Integer.parseInt(digits) <= SnowflakeId.MAX_WORKER;
  }

  /**
   * Node names go into counter IDs, URLs and file names: letters, digits, {@code _ . -}, at most
   * 64, not starting with a dot.
   */
  static void checkNode(String node) {
    boolean ok = !node.isEmpty() && node.length() <= 64 && node.charAt(0) != '.';
    for (int i = 0; ok && i < node.length(); i++) {
      char c = node.charAt(i);
      ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "node name '"
              + node
              + "' must be 1 to 64 letters, digits, '_', '-' or '.', not starting with '.'");
    }
  }

  /** Reads {@code IDMINT_*} variables; blank ones count as unset. */
  private record Env(Map<String, String> env) {
    String raw(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    }

    String string(String name, String fallback) {
      String v = raw(name);
      return v == null ? fallback : v;
    }

    Integer integer(String name, Integer fallback) {
      String v = raw(name);
      if (v == null) {
        return fallback;
      }
      try {
        return Integer.valueOf(v);
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(name + "=" + v + ": not an integer", ex);
      }
    }

    Scheme scheme() {
      String v = raw("IDMINT_SCHEME");
      if (v == null) {
        return Scheme.SNOWFLAKE;
      }
      try {
        return Scheme.parse(v);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("IDMINT_SCHEME=" + v + ": " + ex.getMessage(), ex);
      }
    }

    Path path(String name) {
      String v = raw(name);
      try {
        return v == null ? null : Path.of(v);
      } catch (InvalidPathException ex) {
        throw new IllegalArgumentException(name + "=" + v + ": " + ex.getMessage(), ex);
      }
    }
  }
}
