package dev.idmint.harness.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One test run's settings, resolved from the command line.
 *
 * @param command the node's (or service's) executable (absolute) and its arguments; with {@code
 *     --http} they may hold {@code {port}}, {@code {index}}, {@code {node}}, {@code {state}} and,
 *     with {@code --registry}, {@code {registry}}
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
   * @param registry with {@code --registry etcd}, where the instances get their worker ids; null
   *     when each instance is given its index as worker id
   */
  public record Http(Path haproxy, Path haproxyConfig, Registry registry) {
    public Http(Path haproxy, Path haproxyConfig) {
      this(haproxy, haproxyConfig, null);
    }

    /** Whether the clients talk to HAProxy rather than to the instances. */
    public boolean lb() {
      return haproxy != null;
    }
  }

  /**
   * {@code --registry etcd}: the harness runs an etcd cluster of {@link #MEMBERS} members, and the
   * instances lease their worker ids from it instead of being given one.
   *
   * @param etcd etcd's executable
   * @param fleet the fleet's name: its keys are under {@code /idmint/<fleet>/}
   * @param workerIds {@code --worker-ids} as given ({@code LO-HI}), or null: the service's default
   * @param lo the lowest worker id the instances may lease (0 when not given)
   * @param hi the highest (1023 when not given)
   * @param ttlMs the lease TTL the instances are given, in ms
   */
  public record Registry(Path etcd, String fleet, String workerIds, int lo, int hi, long ttlMs) {
    /** etcd members: three, so that one may be killed and the cluster keeps its quorum. */
    public static final int MEMBERS = 3;

    /** How many workers the instances may lease. */
    public int workers() {
      return hi - lo + 1;
    }
  }

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

  /** With {@code --registry}, the registry the instances lease worker ids from; else null. */
  public Registry registry() {
    return http == null ? null : http.registry();
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
   * lb} is {@code --lb}'s value, {@code registry} {@code --registry}'s.
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
      String lb,
      String registry,
      String workerIds,
      Long registryTtlMs) {}

  /**
   * Resolves flags into a config.
   *
   * @param env the environment ({@code IDMINT_HOME} locates this project's node, {@code PATH})
   * @param cwd where relative paths resolve
   * @param faketimeLib libfaketime if installed, else null
   * @throws IllegalArgumentException with a message for the user (a bad argument, exit 254)
   */
  public static Config resolve(Flags f, Map<String, String> env, Path cwd, Path faketimeLib) {
    return Resolution.resolve(f, env, cwd, faketimeLib);
  }
}
