package dev.idmint.harness;

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
 * One test run's settings, resolved from the command line.
 *
 * @param command the node's executable (absolute) and its arguments
 * @param ownNode whether the command is this project's node, which then gets a state dir
 * @param timeLimit seconds of load (the measured window)
 * @param rate generate requests per second, over all workers
 * @param latencyMs mean node-to-node latency
 * @param availability required ok fraction; 1.0 is Maelstrom's {@code total}; null checks none
 * @param faketimeLib libfaketime, when the clock fault is on; else null
 * @param demo whether no test flag was given, so the demo defaults apply
 * @param warnings things to tell the user before the run (ignored flags, a dropped fault)
 */
public record Config(
    List<String> command,
    boolean ownNode,
    int nodeCount,
    double timeLimit,
    double rate,
    int concurrency,
    double latencyMs,
    LatencyDist latencyDist,
    Set<Fault> nemesis,
    double nemesisInterval,
    Double availability,
    long seed,
    Path store,
    Path faketimeLib,
    boolean demo,
    List<String> warnings) {

  /** Maelstrom's defaults, used for every flag not given once any test flag is given. */
  static final double MAELSTROM_TIME_LIMIT = 60;

  static final double MAELSTROM_RATE = 5;
  static final double MAELSTROM_NEMESIS_INTERVAL = 10;

  /** The demo: what {@code idmint test} alone runs (about 15 s, every fault). */
  static final double DEMO_TIME_LIMIT = 12;

  static final double DEMO_RATE = 1000;
  static final double DEMO_NEMESIS_INTERVAL = 2;
  static final int DEFAULT_NODE_COUNT = 5;
  static final int MAX_NODE_COUNT = 256;

  /** Node ids, {@code n0 .. n(N-1)} as Maelstrom's {@code --node-count} names them. */
  List<String> nodeIds() {
    List<String> ids = new ArrayList<>(nodeCount);
    for (int i = 0; i < nodeCount; i++) {
      ids.add("n" + i);
    }
    return ids;
  }

  /** Flags as given; null where not given. {@code bin} is the command followed by its args. */
  public record Flags(
      String workload,
      List<String> bin,
      Integer nodeCount,
      Double timeLimit,
      Double rate,
      String concurrency,
      Double latency,
      String latencyDist,
      String nemesis,
      Double nemesisInterval,
      String availability,
      Long seed,
      Path store) {}

  /**
   * Resolves flags into a config.
   *
   * @param env the environment ({@code IDMINT_HOME} locates this project's node, {@code PATH})
   * @param cwd where relative paths resolve
   * @param faketimeLib libfaketime if installed, else null
   * @throws IllegalArgumentException with a message for the user (a bad argument, exit 254)
   */
  public static Config resolve(Flags f, Map<String, String> env, Path cwd, Path faketimeLib) {
    List<String> warnings = new ArrayList<>();
    if (f.workload() != null && !f.workload().equals("unique-ids")) {
      throw new IllegalArgumentException(
          "workload '" + f.workload() + "' is not supported: idmint test runs only -w unique-ids");
    }
    boolean demo = isDemo(f);
    int nodeCount = f.nodeCount() == null ? DEFAULT_NODE_COUNT : f.nodeCount();
    if (nodeCount < 1 || nodeCount > MAX_NODE_COUNT) {
      throw new IllegalArgumentException(
          "--node-count must be 1.." + MAX_NODE_COUNT + ", got " + nodeCount);
    }
    double timeLimit =
        positive("--time-limit", f.timeLimit(), demo ? DEMO_TIME_LIMIT : MAELSTROM_TIME_LIMIT);
    double rate = positive("--rate", f.rate(), demo ? DEMO_RATE : MAELSTROM_RATE);
    int concurrency =
        f.concurrency() == null ? nodeCount : parseConcurrency(f.concurrency(), nodeCount);
    double latency = f.latency() == null ? 0 : f.latency();
    if (!(latency >= 0) || Double.isInfinite(latency)) {
      throw new IllegalArgumentException(
          "--latency must be 0 or more milliseconds, got " + f.latency());
    }
    LatencyDist dist =
        f.latencyDist() == null ? LatencyDist.CONSTANT : LatencyDist.parse(f.latencyDist());
    Set<Fault> nemesis = faults(f, demo, faketimeLib, warnings);
    double interval =
        positive(
            "--nemesis-interval",
            f.nemesisInterval(),
            demo ? DEMO_NEMESIS_INTERVAL : MAELSTROM_NEMESIS_INTERVAL);
    Double availability = f.availability() == null ? null : parseAvailability(f.availability());
    boolean own = f.bin() == null || f.bin().isEmpty();
    List<String> command =
        own ? List.of(ownNode(env).toString()) : resolveCommand(f.bin(), env, cwd);
    Path lib = nemesis.contains(Fault.CLOCK) ? faketimeLib : null;
    if (lib != null) {
      warnIfClockUnreachable(command.get(0), warnings);
    }
    long seed =
        f.seed() != null ? f.seed() : System.nanoTime() ^ (System.currentTimeMillis() << 20);
    Path store = (f.store() == null ? cwd.resolve("store") : cwd.resolve(f.store())).normalize();
    checkWritable(store);
    return new Config(
        List.copyOf(command),
        own,
        nodeCount,
        timeLimit,
        rate,
        concurrency,
        latency,
        dist,
        Collections.unmodifiableSet(nemesis),
        interval,
        availability,
        seed,
        store,
        lib,
        demo,
        List.copyOf(warnings));
  }

  /** Whether no test flag was given (only the seed, the store or {@code -w unique-ids}). */
  private static boolean isDemo(Flags f) {
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
   * The faults to inject: as given, or all of them in the demo. The clock fault needs libfaketime:
   * without it, asking for the fault is a bad argument and the demo goes without it.
   */
  private static Set<Fault> faults(Flags f, boolean demo, Path faketimeLib, List<String> warnings) {
    Set<Fault> nemesis;
    if (f.nemesis() != null) {
      nemesis = Fault.parseList(f.nemesis());
    } else {
      nemesis = demo ? EnumSet.allOf(Fault.class) : EnumSet.noneOf(Fault.class);
    }
    if (nemesis.contains(Fault.CLOCK) && faketimeLib == null) {
      if (f.nemesis() != null) {
        throw new IllegalArgumentException(Faketime.MISSING + "; the clock fault needs it");
      }
      nemesis.remove(Fault.CLOCK);
      warnings.add(Faketime.MISSING + ", so this run has no clock fault");
    }
    return nemesis;
  }

  private static void warnIfClockUnreachable(String exe, List<String> warnings) {
    String why = Faketime.cannotReach(Path.of(exe));
    if (why != null) {
      warnings.add("the clock fault will not move " + exe + "'s clock: " + why);
    }
  }

  /** The store must be a writable directory, or creatable in one. */
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
   * Maelstrom's {@code --availability}: {@code total} (every operation ok) or a fraction 0..1.
   *
   * @return the least ok fraction that passes
   */
  static double parseAvailability(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("total")) {
      return 1.0;
    }
    try {
      double a = Double.parseDouble(t);
      if (a >= 0 && a <= 1) {
        return a;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "--availability must be 'total' or a fraction between 0 and 1, got '" + s + "'");
  }

  private static Path ownNode(Map<String, String> env) {
    String home = env.get("IDMINT_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalArgumentException(
          "cannot find this project's node: IDMINT_HOME is not set (run through bin/idmint, or pass --bin)");
    }
    Path p = Path.of(home, "bin", "idmint").toAbsolutePath().normalize();
    if (!Files.isExecutable(p)) {
      throw new IllegalArgumentException(
          "cannot find this project's node at " + p + " (pass --bin)");
    }
    return p;
  }

  /**
   * The executable as Maelstrom resolves it (a file relative to the working directory), or else
   * found on PATH; arguments naming existing relative files become absolute, since each node runs
   * in a directory of its own.
   */
  static List<String> resolveCommand(List<String> bin, Map<String, String> env, Path cwd) {
    String exe = bin.get(0);
    Path p = cwd.resolve(exe);
    if (!Files.isRegularFile(p) && !exe.contains("/")) {
      for (String dir : env.getOrDefault("PATH", "").split(":")) {
        if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, exe))) {
          p = Path.of(dir, exe);
          break;
        }
      }
    }
    if (Files.isDirectory(p)) {
      throw new IllegalArgumentException("--bin " + exe + " is a directory, not a program");
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("--bin " + exe + ": no such file");
    }
    if (!Files.isExecutable(p)) {
      throw new IllegalArgumentException(
          "--bin " + exe + " is not executable (chmod +x it; a script also needs a #! line)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(p.toAbsolutePath().normalize().toString());
    for (String a : bin.subList(1, bin.size())) {
      Path ap = a.isEmpty() || a.startsWith("-") ? null : Path.of(a);
      boolean relativeFile = ap != null && !ap.isAbsolute() && Files.exists(cwd.resolve(ap));
      cmd.add(relativeFile ? cwd.resolve(ap).toAbsolutePath().normalize().toString() : a);
    }
    return cmd;
  }
}
