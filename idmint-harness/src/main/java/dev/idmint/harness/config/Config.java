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
 * One test run's settings, resolved from the command line.
 *
 * @param command the node's (or service's) executable (absolute) and its arguments; with {@code
 *     --http} they may hold {@code {port}}, {@code {index}}, {@code {node}} and {@code {state}}
 * @param ownNode whether the command is this project's node (which then gets a state dir) or
 *     service
 * @param nodeIds the nodes' names: {@code n1..n5} by default, {@code n0..n(N-1)} with {@code
 *     --node-count N}, as Maelstrom names them
 * @param timeLimit seconds of load (the measured window)
 * @param rate generate requests per second, over all workers; 0 sends none
 * @param latencyMs mean node-to-node latency
 * @param availability required ok fraction; 1.0 is Maelstrom's {@code total}; null checks none
 * @param testCount how many times to run the test, each with the next seed
 * @param topology Maelstrom's {@code --topology} if given (validated; unique-ids has no use for it)
 * @param faketimeLib libfaketime, when the clock fault is on; else null
 * @param demo whether no test flag was given, so the demo defaults apply
 * @param warnings things to tell the user before the run (ignored flags, a dropped fault)
 * @param http with {@code --http}, how the services are reached; null for Maelstrom nodes
 */
public record Config(
    List<String> command,
    boolean ownNode,
    List<String> nodeIds,
    double timeLimit,
    double rate,
    int concurrency,
    double latencyMs,
    LatencyDist latencyDist,
    Set<Fault> nemesis,
    double nemesisInterval,
    Double availability,
    long seed,
    int testCount,
    Logging logging,
    String topology,
    Path store,
    Path faketimeLib,
    boolean demo,
    List<String> warnings,
    Http http) {

  /**
   * The HTTP mode's settings.
   *
   * @param haproxy HAProxy's executable with {@code --lb haproxy}, else null
   * @param haproxyConfig the project's {@code deploy/haproxy.cfg} with {@code --lb haproxy}
   */
  public record Http(Path haproxy, Path haproxyConfig) {
    /** Whether the clients talk to HAProxy rather than to the instances. */
    public boolean lb() {
      return haproxy != null;
    }
  }

  /** How {@code --lb haproxy} finds HAProxy: on PATH, or where Debian installs it. */
  static final List<String> SBIN_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  static final String HAPROXY_MISSING =
      "haproxy is not installed (Debian/Ubuntu: apt-get install haproxy)";

  /**
   * Maelstrom's logging flags.
   *
   * @param stderr echo each node's stderr to the terminal, prefixed with its name
   * @param netSend record every message sent to net.jsonl
   * @param netRecv record every message delivered (or dropped) to net.jsonl
   */
  public record Logging(boolean stderr, boolean netSend, boolean netRecv) {
    public static final Logging NONE = new Logging(false, false, false);

    public boolean net() {
      return netSend || netRecv;
    }
  }

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
  static final int MAX_TEST_COUNT = 10_000;

  /** Maelstrom's broadcast topologies, which {@code --topology} must name. */
  static final List<String> TOPOLOGIES =
      List.of("grid", "line", "total", "tree", "tree2", "tree3", "tree4");

  public int nodeCount() {
    return nodeIds.size();
  }

  /**
   * The number in the first node's name: Jepsen's default nodes start at n1, --node-count at n0.
   */
  public int firstNodeNumber() {
    return Integer.parseInt(nodeIds.get(0).substring(1));
  }

  /** The same settings with another seed, for the next of {@code --test-count} runs. */
  public Config withSeed(long s) {
    return new Config(
        command,
        ownNode,
        nodeIds,
        timeLimit,
        rate,
        concurrency,
        latencyMs,
        latencyDist,
        nemesis,
        nemesisInterval,
        availability,
        s,
        testCount,
        logging,
        topology,
        store,
        faketimeLib,
        demo,
        warnings,
        http);
  }

  /**
   * Node names as Maelstrom gives them: Jepsen's default {@code n1..n5} without {@code
   * --node-count}, {@code n0..n(N-1)} with it.
   */
  static List<String> nodeIds(Integer nodeCount) {
    int n = nodeCount == null ? DEFAULT_NODE_COUNT : nodeCount;
    int first = nodeCount == null ? 1 : 0;
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add("n" + (first + i));
    }
    return ids;
  }

  /**
   * Flags as given; null where not given. {@code bin} is the command followed by its args; {@code
   * lb} is {@code --lb}'s value.
   */
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
      Integer testCount,
      Logging logging,
      String topology,
      Path store,
      boolean http,
      String lb) {}

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
    if (f.nodeCount() != null && (f.nodeCount() < 1 || f.nodeCount() > MAX_NODE_COUNT)) {
      throw new IllegalArgumentException(
          "--node-count must be 1.." + MAX_NODE_COUNT + ", got " + f.nodeCount());
    }
    List<String> nodeIds = nodeIds(f.nodeCount());
    double timeLimit =
        positive("--time-limit", f.timeLimit(), demo ? DEMO_TIME_LIMIT : MAELSTROM_TIME_LIMIT);
    double rate = rate(f.rate(), demo ? DEMO_RATE : MAELSTROM_RATE);
    int concurrency =
        f.concurrency() == null
            ? nodeIds.size()
            : parseConcurrency(f.concurrency(), nodeIds.size());
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
    int testCount = testCount(f.testCount());
    String topology = topology(f.topology());
    Http http = f.http() ? http(f.lb(), env, SBIN_DIRS) : null;
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
    boolean own = f.bin() == null || f.bin().isEmpty();
    List<String> command;
    if (own) {
      command = http != null ? ownService(env) : List.of(ownNode(env).toString());
    } else {
      command = resolveCommand(f.bin(), env, cwd, http != null ? null : warnings);
    }
    Path lib = nemesis.contains(Fault.CLOCK) ? faketimeLib : null;
    if (lib != null) {
      warnIfClockUnreachable(command.get(0), warnings);
    }
    Path store = store(f.store(), cwd);
    return new Config(
        List.copyOf(command),
        own,
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
        f.logging() == null ? Logging.NONE : f.logging(),
        topology,
        store,
        lib,
        demo,
        List.copyOf(warnings),
        http);
  }

  /**
   * The HTTP mode's settings: with {@code --lb haproxy}, HAProxy (on PATH or in {@code sbin}) and
   * the project's config.
   */
  static Http http(String lb, Map<String, String> env, List<String> sbin) {
    if (lb == null) {
      return new Http(null, null);
    }
    if (!lb.trim().equalsIgnoreCase("haproxy")) {
      throw new IllegalArgumentException("--lb must be haproxy, got '" + lb + "'");
    }
    Path exe = findProgram("haproxy", env, sbin);
    if (exe == null) {
      throw new IllegalArgumentException(HAPROXY_MISSING + "; --lb haproxy needs it");
    }
    Path cfg = home(env, "--lb haproxy").resolve("deploy/haproxy.cfg");
    if (!Files.isRegularFile(cfg)) {
      throw new IllegalArgumentException("--lb haproxy: " + cfg + " is missing");
    }
    return new Http(exe, cfg);
  }

  /** An executable on PATH or in {@code extra}, or null. */
  static Path findProgram(String name, Map<String, String> env, List<String> extra) {
    List<String> dirs = new ArrayList<>(List.of(env.getOrDefault("PATH", "").split(":")));
    dirs.addAll(extra);
    for (String dir : dirs) {
      Path p = dir.isEmpty() ? null : Path.of(dir, name);
      if (p != null && Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The placeholders an HTTP service's command may hold, filled in per instance. */
  static final List<String> PLACEHOLDERS = List.of("{port}", "{index}", "{node}", "{state}");

  /**
   * This project's service, {@code bin/idmint serve}, on the instance's port with its index as
   * worker id and a state dir of its own.
   */
  private static List<String> ownService(Map<String, String> env) {
    return List.of(
        ownNode(env).toString(),
        "serve",
        "--port",
        "{port}",
        "--worker-id",
        "{index}",
        "--state-dir",
        "{state}");
  }

  /**
   * Whether no test flag was given: only the seed, the store, {@code -w unique-ids}, the test
   * count, the topology or a logging flag.
   */
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
    if (given < 1 || given > MAX_TEST_COUNT) {
      throw new IllegalArgumentException(
          "--test-count must be 1.." + MAX_TEST_COUNT + ", got " + given);
    }
    return given;
  }

  private static String topology(String given) {
    if (given == null) {
      return null;
    }
    String t = given.trim().toLowerCase(Locale.ROOT);
    if (!TOPOLOGIES.contains(t)) {
      throw new IllegalArgumentException(
          "--topology must be one of "
              + String.join(", ", TOPOLOGIES)
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

  /** This project's directory, from {@code IDMINT_HOME}, which bin/idmint sets. */
  private static Path home(Map<String, String> env, String forWhat) {
    String home = env.get("IDMINT_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalArgumentException(
          "cannot find "
              + forWhat
              + ": IDMINT_HOME is not set (run through bin/idmint"
              + (forWhat.startsWith("this") ? ", or pass --bin)" : ")"));
    }
    return Path.of(home).toAbsolutePath().normalize();
  }

  private static Path ownNode(Map<String, String> env) {
    Path p = home(env, "this project's node").resolve("bin/idmint");
    if (!Files.isExecutable(p)) {
      throw new IllegalArgumentException(
          "cannot find this project's node at " + p + " (pass --bin)");
    }
    return p;
  }

  /**
   * The executable as Maelstrom resolves it (a file relative to the working directory), or else
   * found on PATH, with a warning that Maelstrom would not find it there (none if {@code warnings}
   * is null: HTTP services have nothing to do with Maelstrom); arguments naming existing relative
   * files become absolute, since the nodes run in a directory of the run.
   */
  static List<String> resolveCommand(
      List<String> bin, Map<String, String> env, Path cwd, List<String> warnings) {
    String exe = bin.get(0);
    Path p = cwd.resolve(exe);
    boolean onPath = false;
    if (!Files.isRegularFile(p) && !exe.contains("/")) {
      for (String dir : env.getOrDefault("PATH", "").split(":")) {
        if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, exe))) {
          p = Path.of(dir, exe);
          onPath = true;
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
    List<String> madeAbsolute = new ArrayList<>();
    for (String a : bin.subList(1, bin.size())) {
      Path ap = a.isEmpty() || a.startsWith("-") ? null : Path.of(a);
      boolean relativeFile = ap != null && !ap.isAbsolute() && Files.exists(cwd.resolve(ap));
      cmd.add(relativeFile ? cwd.resolve(ap).toAbsolutePath().normalize().toString() : a);
      if (relativeFile) {
        madeAbsolute.add(a);
      }
    }
    if (onPath && warnings != null) {
      warnings.add(
          "--bin "
              + exe
              + " was found on PATH ("
              + p
              + "); Maelstrom resolves --bin as a path from its working directory and would not"
              + " find it"
              + (madeAbsolute.isEmpty()
                  ? ""
                  : ", and it starts nodes in its temp directory, where "
                      + String.join(" ", madeAbsolute)
                      + " does not resolve")
              + ": give Maelstrom an executable file, e.g. a script with a #! line");
    }
    return cmd;
  }
}
