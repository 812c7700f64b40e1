package dev.idmint.harness.config;

import dev.idmint.harness.platform.Libfaketime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Flags as given, resolved into a {@link Config}: Maelstrom's defaults for every flag not given
 * once any test flag is, the demo's with none; every value checked, with a message for the user.
 */
final class Resolution {
  private Resolution() {}

  /**
   * Resolves flags into a config.
   *
   * @param env the environment ({@code IDMINT_HOME} locates this project's node, {@code PATH})
   * @param cwd where relative paths resolve
   * @param faketimeLib libfaketime if installed, else null
   * @throws IllegalArgumentException with a message for the user (a bad argument, exit 254)
   */
  static Config resolve(Config.Flags f, Map<String, String> env, Path cwd, Path faketimeLib) {
    List<String> warnings = new ArrayList<>();
    boolean demo = isDemo(f);
    List<String> nodeIds = nodeIds(f);
    double timeLimit =
        positive(
            "--time-limit",
            f.timeLimit(),
            demo ? Config.DEMO_TIME_LIMIT : Config.MAELSTROM_TIME_LIMIT);
    double rate = rate(f.rate(), demo ? Config.DEMO_RATE : Config.MAELSTROM_RATE);
    int concurrency =
        f.concurrency() == null
            ? nodeIds.size()
            : parseConcurrency(f.concurrency(), nodeIds.size());
    double latency = latency(f.latency());
    LatencyDist dist =
        f.latencyDist() == null ? LatencyDist.CONSTANT : LatencyDist.parse(f.latencyDist());
    Set<Fault> nemesis = faults(f, demo, faketimeLib, warnings);
    double interval =
        positive(
            "--nemesis-interval",
            f.nemesisInterval(),
            demo ? Config.DEMO_NEMESIS_INTERVAL : Config.MAELSTROM_NEMESIS_INTERVAL);
    Double availability = f.availability() == null ? null : parseAvailability(f.availability());
    int testCount = testCount(f.testCount());
    String topology = topology(f.topology());
    Config.Http http = http(f, env);
    List<String> command = command(f, env, cwd, http, warnings);
    Path lib = nemesis.contains(Fault.CLOCK) ? faketimeLib : null;
    if (lib != null) {
      warnIfClockUnreachable(command.get(0), warnings);
    }
    return new Config(
        List.copyOf(command),
        f.bin() == null || f.bin().isEmpty(),
        nodeIds,
        timeLimit,
        rate,
        concurrency,
        latency,
        dist,
        Collections.unmodifiableSet(nemesis),
        interval,
        availability,
        f.seed() != null ? f.seed() : System.nanoTime() ^ (System.currentTimeMillis() << 20),
        testCount,
        f.logging() == null ? Config.Logging.NONE : f.logging(),
        topology,
        store(f.store(), cwd),
        lib,
        demo,
        List.copyOf(warnings),
        http);
  }

  /** The workload's name checked, and the nodes named as Maelstrom names them. */
  private static List<String> nodeIds(Config.Flags f) {
    if (f.workload() != null && !f.workload().equals("unique-ids")) {
      throw new IllegalArgumentException(
          "workload '" + f.workload() + "' is not supported: idmint test runs only -w unique-ids");
    }
    if (f.nodeCount() != null && (f.nodeCount() < 1 || f.nodeCount() > Config.MAX_NODE_COUNT)) {
      throw new IllegalArgumentException(
          "--node-count must be 1.." + Config.MAX_NODE_COUNT + ", got " + f.nodeCount());
    }
    return Config.nodeIds(f.nodeCount());
  }

  private static double latency(Double given) {
    double latency = given == null ? 0 : given;
    if (!(latency >= 0) || Double.isInfinite(latency)) {
      throw new IllegalArgumentException("--latency must be 0 or more milliseconds, got " + given);
    }
    return latency;
  }

  /** With {@code --http}, how the services are reached; null for Maelstrom nodes. */
  private static Config.Http http(Config.Flags f, Map<String, String> env) {
    Config.Registry registry = RegistryFlags.resolve(f, env, Programs.SBIN_DIRS);
    Config.Http http = f.http() ? Programs.http(f.lb(), env, Programs.SBIN_DIRS) : null;
    if (registry != null) {
      http = new Config.Http(http.haproxy(), http.haproxyConfig(), registry);
    }
    if (!f.http() && f.lb() != null) {
      throw new IllegalArgumentException(
          "--lb puts a load balancer in front of HTTP services: it needs --http");
    }
    if (f.http() && f.logging() != null && f.logging().net()) {
      throw new IllegalArgumentException(
          "--log-net-send and --log-net-recv record Maelstrom messages, and HTTP services send"
              + " none: with --http, history.jsonl has every request, its outcome and the"
              + " instance that answered");
    }
    return http;
  }

  /** {@code --bin} as resolved, or this project's node or service. */
  private static List<String> command(
      Config.Flags f, Map<String, String> env, Path cwd, Config.Http http, List<String> warnings) {
    if (f.bin() == null || f.bin().isEmpty()) {
      if (http == null) {
        return List.of(Programs.ownNode(env).toString());
      }
      return http.registry() != null
          ? Programs.ownService(env, http.registry())
          : Programs.ownService(env);
    }
    return Programs.resolveCommand(f.bin(), env, cwd, http != null ? null : warnings);
  }

  /**
   * Whether no test flag was given: only the seed, the store, {@code -w unique-ids}, the test
   * count, the topology, a logging flag, or how the fleet is set up ({@code --http}, {@code --lb},
   * the registry's flags).
   */
  private static boolean isDemo(Config.Flags f) {
    return f.bin() == null
        && f.nodeCount() == null
        && f.timeLimit() == null
        && f.rate() == null
        && f.concurrency() == null
        && f.latency() == null
        && f.latencyDist() == null
        && f.nemesis() == null
        && f.nemesisInterval() == null
        && f.availability() == null;
  }

  /**
   * The faults to inject: as given, or in the demo the four every run has, and with a registry also
   * pause and registry. The clock fault needs libfaketime: without it, asking for the fault is a
   * bad argument and the demo goes without it.
   */
  private static Set<Fault> faults(
      Config.Flags f, boolean demo, Path faketimeLib, List<String> warnings) {
    Set<Fault> nemesis;
    if (f.nemesis() != null) {
      nemesis = Fault.parseList(f.nemesis());
    } else if (!demo) {
      nemesis = EnumSet.noneOf(Fault.class);
    } else {
      nemesis = f.registry() != null ? EnumSet.allOf(Fault.class) : EnumSet.copyOf(Fault.DEMO);
    }
    if (nemesis.contains(Fault.PAUSE) && !f.http()) {
      throw new IllegalArgumentException(
          "the pause fault stops HTTP instances (SIGSTOP): it needs --http (a paused Maelstrom"
              + " node would fill its stdin pipe; kill tests the same and more there)");
    }
    if (nemesis.contains(Fault.REGISTRY) && f.registry() == null) {
      throw new IllegalArgumentException(
          "the registry fault kills etcd members and cuts instances off from etcd: it needs"
              + " --registry etcd");
    }
    if (nemesis.contains(Fault.CLOCK) && faketimeLib == null) {
      if (f.nemesis() != null) {
        throw new IllegalArgumentException(Libfaketime.MISSING + "; the clock fault needs it");
      }
      nemesis.remove(Fault.CLOCK);
      warnings.add(Libfaketime.MISSING + ", so this run has no clock fault");
    }
    return nemesis;
  }

  private static void warnIfClockUnreachable(String exe, List<String> warnings) {
    String why = Libfaketime.cannotReach(Path.of(exe));
    if (why != null) {
      warnings.add("the clock fault will not move " + exe + "'s clock: " + why);
    }
  }

  /** Maelstrom's {@code --rate}: 0 or more; 0 runs the nemesis for the time limit with no load. */
  private static double rate(Double given, double dflt) {
    if (given == null) {
      return dflt;
    }
    if (!(given >= 0) || Double.isInfinite(given)) {
      throw new IllegalArgumentException("--rate must be 0 or more, got " + given);
    }
    return given;
  }

  private static int testCount(Integer given) {
    if (given == null) {
      return 1;
    }
    if (given < 1 || given > Config.MAX_TEST_COUNT) {
      throw new IllegalArgumentException(
          "--test-count must be 1.." + Config.MAX_TEST_COUNT + ", got " + given);
    }
    return given;
  }

  private static String topology(String given) {
    if (given == null) {
      return null;
    }
    String t = given.trim().toLowerCase(Locale.ROOT);
    if (!Config.TOPOLOGIES.contains(t)) {
      throw new IllegalArgumentException(
          "--topology must be one of "
              + String.join(", ", Config.TOPOLOGIES)
              + " (Maelstrom's broadcast topologies), got '"
              + given
              + "'");
    }
    return t;
  }

  /** {@code --store}, resolved: it must be a writable directory, or creatable in one. */
  private static Path store(Path given, Path cwd) {
    Path store = (given == null ? cwd.resolve("store") : cwd.resolve(given)).normalize();
    checkWritable(store);
    return store;
  }

  private static void checkWritable(Path store) {
    Path p = store;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
      throw new IllegalArgumentException(
          "--store "
              + store
              + ": "
              + (p == null ? "no such place" : p + " is not a writable directory"));
    }
  }

  private static double positive(String flag, Double given, double dflt) {
    if (given == null) {
      return dflt;
    }
    if (!(given > 0) || Double.isInfinite(given)) {
      throw new IllegalArgumentException(flag + " must be a positive number, got " + given);
    }
    return given;
  }

  /**
   * Maelstrom's {@code --concurrency}: a worker count, or {@code Nn} for N workers per node.
   *
   * @throws IllegalArgumentException unless it names at least one worker
   */
  static int parseConcurrency(String s, int nodeCount) {
    String t = s.trim();
    try {
      long n;
      if (t.endsWith("n")) {
        n = Long.parseLong(t.substring(0, t.length() - 1)) * nodeCount;
      } else {
        n = Long.parseLong(t);
      }
      if (n >= 1 && n <= 100_000) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "--concurrency must be a worker count (e.g. 10) or workers per node (e.g. 2n), got '"
            + s
            + "'");
  }

  /**
   * Maelstrom's {@code --availability}: {@code total} (every operation ok) or a number from 0 to 1,
   * read as EDN, so a ratio such as {@code 1/2} works as it does there.
   *
   * @return the least ok fraction that passes
   */
  static double parseAvailability(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("total")) {
      return 1.0;
    }
    try {
      int slash = t.indexOf('/');
      double a =
          slash < 0
              ? Double.parseDouble(t)
              : Long.parseLong(t.substring(0, slash))
                  / (double) Long.parseLong(t.substring(slash + 1));
      if (a >= 0 && a <= 1) {
        return a;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "--availability must be 'total' or a number between 0 and 1 (e.g. 0.99 or 1/2), got '"
            + s
            + "'");
  }
}
