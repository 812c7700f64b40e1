package dev.idmint.serve;

import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
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
 * @param node the node in counter and HLC IDs and the state file's name, {@code w<worker>} by
 *     default
 * @param stateDir durable state; null keeps none
 * @param maxLead warn when snowflake or HLC IDs run this far ahead of the wall clock; also how far
 *     ahead an {@code after=} ID may be
 * @param limits what one client may ask and how long it may take
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
    Limits limits) {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_MAX_COUNT = 10_000;
  public static final int MAX_MAX_COUNT = 100_000;
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;

  /**
   * What one client may ask and how long it may take.
   *
   * @param maxCount the largest {@code count} of one request
   * @param maxConnections open connections beyond this are closed at once
   * @param maxBodyBytes a larger request body gets 413
   * @param requestTimeout a request must arrive whole (headers and body) this soon after its first
   *     byte, or after the connection opened; otherwise 408 and the connection closes
   * @param idleTimeout a keep-alive connection with no request for this long is closed
   * @param drainTimeout on SIGTERM, requests in flight get this long to finish
   */
  public record Limits(
      int maxCount,
      int maxConnections,
      int maxBodyBytes,
      Duration requestTimeout,
      Duration idleTimeout,
      Duration drainTimeout) {
    public static Limits defaults() {
      return new Limits(
          DEFAULT_MAX_COUNT,
          DEFAULT_MAX_CONNECTIONS,
          4096,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5));
    }

    public Limits withMaxCount(int n) {
      return new Limits(n, maxConnections, maxBodyBytes, requestTimeout, idleTimeout, drainTimeout);
    }

    public Limits withMaxConnections(int n) {
      return new Limits(maxCount, n, maxBodyBytes, requestTimeout, idleTimeout, drainTimeout);
    }
  }

  /** The flags of {@code idmint serve}; null (or false) where not given. */
  public record Flags(
      Integer port,
      String bind,
      Scheme scheme,
      Integer workerId,
      boolean workerIdFromHostname,
      String node,
      Path stateDir,
      Long maxLeadMillis,
      Integer maxCount,
      Integer maxConnections) {
    public static Flags none() {
      return new Flags(null, null, null, null, false, null, null, null, null, null);
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
        Limits.defaults());
  }

  /**
   * The state file the library keeps in {@link #stateDir}, named after the node (node names need no
   * escaping, see {@link #checkNode}); null without a state dir.
   */
  Path stateFile() {
    return stateDir == null ? null : stateDir.resolve(node + ".state");
  }

  public ServeConfig withPort(int p) {
    return new ServeConfig(bind, p, scheme, worker, workerSource, node, stateDir, maxLead, limits);
  }

  public ServeConfig withScheme(Scheme s) {
    return new ServeConfig(bind, port, s, worker, workerSource, node, stateDir, maxLead, limits);
  }

  public ServeConfig withStateDir(Path dir) {
    return new ServeConfig(bind, port, scheme, worker, workerSource, node, dir, maxLead, limits);
  }

  public ServeConfig withLimits(Limits l) {
    return new ServeConfig(bind, port, scheme, worker, workerSource, node, stateDir, maxLead, l);
  }

  /**
   * Settings from {@code flags}, else from {@code env}, else the defaults.
   *
   * @param hostname the host name, read only for {@code --worker-id-from-hostname}
   * @throws IllegalArgumentException naming the flag or variable and what it expects
   */
  public static ServeConfig resolve(
      Flags flags, Map<String, String> env, Supplier<String> hostname) {
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
    if (flags.workerId() != null && flags.workerIdFromHostname()) {
      throw new IllegalArgumentException("give --worker-id or --worker-id-from-hostname, not both");
    } else if (flags.workerId() != null) {
      worker = flags.workerId();
      source = "--worker-id";
    } else if (flags.workerIdFromHostname()) {
      String host = hostname.get();
      worker = ordinal(host);
      source = "host name " + host;
    } else {
      worker = e.integer("IDMINT_WORKER_ID", null);
      source = worker == null ? null : "IDMINT_WORKER_ID";
      if (e.bool("IDMINT_WORKER_ID_FROM_HOSTNAME")) {
        if (worker != null) {
          throw new IllegalArgumentException(
              "IDMINT_WORKER_ID and IDMINT_WORKER_ID_FROM_HOSTNAME are both set; set one");
        }
        String host = hostname.get();
        worker = ordinal(host);
        source = "host name " + host;
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

    String node = flags.node() != null ? flags.node() : e.string("IDMINT_NODE", "w" + w);
    checkNode(node);
    Path stateDir = flags.stateDir() != null ? flags.stateDir() : e.path("IDMINT_STATE_DIR");
    long maxLead =
        flags.maxLeadMillis() != null
            ? flags.maxLeadMillis()
            : e.integer("IDMINT_MAX_LEAD_MS", 10_000).longValue();
    if (maxLead <= 0) {
      throw new IllegalArgumentException("max lead must be positive, got " + maxLead + " ms");
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
    return new ServeConfig(
        bind,
        port,
        scheme,
        w,
        source,
        node,
        stateDir,
        Duration.ofMillis(maxLead),
        Limits.defaults().withMaxCount(maxCount).withMaxConnections(maxConnections));
  }

  /**
   * The worker in a host name that ends in {@code -<ordinal>}, as Kubernetes names StatefulSet pods
   * ({@code idmint-0}, {@code idmint-1}, ...); a domain after the first dot is ignored.
   *
   * @throws IllegalArgumentException if there is no ordinal, or it is over 1023
   */
  public static int ordinal(String hostname) {
    String host = hostname == null ? "" : hostname.trim();
    int dot = host.indexOf('.');
    String name = dot < 0 ? host : host.substring(0, dot);
    int dash = name.lastIndexOf('-');
    String digits = dash < 0 ? "" : name.substring(dash + 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "host name '"
              + host
              + "' does not end in -<ordinal>, so --worker-id-from-hostname cannot take a worker"
              + " id from it (StatefulSet pods are named <name>-0, <name>-1, ...); use --worker-id");
    }
    if (digits.length() > 4 || Integer.parseInt(digits) > SnowflakeId.MAX_WORKER) {
      throw new IllegalArgumentException(
          "host name '"
              + host
              + "' has ordinal "
              + digits
              + ", but worker ids are 0.."
              + SnowflakeId.MAX_WORKER
              + ": a fleet has at most 1024 instances");
    }
    return Integer.parseInt(digits);
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

    boolean bool(String name) {
      String v = raw(name);
      if (v == null) {
        return false;
      }
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "1", "true", "yes" -> true;
        case "0", "false", "no" -> false;
        default -> throw new IllegalArgumentException(name + "=" + v + ": expected true or false");
      };
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
