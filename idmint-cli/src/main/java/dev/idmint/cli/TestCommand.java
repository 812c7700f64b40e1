package dev.idmint.cli;

import dev.idmint.harness.Faketime;
import dev.idmint.harness.Harness;
import dev.idmint.harness.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code idmint test}: a local stand-in for {@code maelstrom test -w unique-ids}. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Test a node locally, as maelstrom test -w unique-ids does, under faults.",
      "Starts the nodes, sends generate requests through a simulated network with faults,",
      "checks the IDs, and writes store/<time>/.",
      "",
      "With no flags: a demo of this project's node, 5 nodes, 12 s, every fault.",
      "With any test flag: flags not given take Maelstrom's defaults.",
      "With --http: HTTP ID services instead (default: this project's, bin/idmint serve);",
      "with --registry etcd too, they lease their worker ids from etcd.",
      "Exit status: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 harness failure."
    })
final class TestCommand implements Callable<Integer> {
  static final int HARNESS_FAILED = 255;

  @Spec CommandSpec spec;

  @Option(
      names = {"-w", "--workload"},
      paramLabel = "NAME",
      description = "Only unique-ids.")
  String workload;

  @Option(
      names = "--http",
      description =
          "Test HTTP ID services (POST /v1/ids?count=1, GET /readyz; see docs/harness.md)"
              + " instead of Maelstrom nodes.")
  boolean http;

  @Option(
      names = "--lb",
      paramLabel = "haproxy",
      description =
          "With --http: clients talk to HAProxy, started from deploy/haproxy.cfg, in front of the"
              + " instances.")
  String lb;

  @Option(
      names = "--registry",
      paramLabel = "etcd",
      description =
          "With --http: the instances lease worker ids from an etcd cluster the harness runs"
              + " (3 members) instead of being given one.")
  String registry;

  @Option(
      names = "--worker-ids",
      paramLabel = "LO-HI",
      description =
          "With --registry: the worker ids the instances lease (default: the service's own);"
              + " fewer than the instances leaves the others standing by.")
  String workerIds;

  @Option(
      names = "--registry-ttl-ms",
      paramLabel = "MS",
      description = "With --registry: the instances' etcd lease TTL, whole seconds (default 2000).")
  Long registryTtlMs;

  @Option(
      names = "--bin",
      paramLabel = "CMD",
      description =
          "The node program; ARGS after it are its arguments (default: this project's node)."
              + " With --http, the service; its ARGS may hold {port}, {index}, {node}, {state}"
              + " and, with --registry, {registry}.")
  String bin;

  @Parameters(
      paramLabel = "ARGS",
      description = "Arguments for the --bin program (use -- before any that start with -).")
  List<String> args;

  @Option(
      names = "--node-count",
      paramLabel = "N",
      description = "Nodes n0..n(N-1) (default: n1..n5, as Maelstrom's).")
  Integer nodeCount;

  @Option(
      names = "--time-limit",
      paramLabel = "SECONDS",
      description = "Seconds of load (Maelstrom: 60; demo: 12).")
  Double timeLimit;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description =
          "generate requests per second, in total; 0 sends none (Maelstrom: 5; demo: 1000).")
  Double rate;

  @Option(
      names = "--concurrency",
      paramLabel = "C|Nn",
      description = "Workers, or N per node as Nn (default 1n).")
  String concurrency;

  @Option(
      names = "--latency",
      paramLabel = "MS",
      description =
          "Mean latency of messages between nodes and to services, in ms (default 0); with"
              + " --http, of each request on its way to the instance.")
  Double latency;

  @Option(
      names = "--latency-dist",
      paramLabel = "DIST",
      description = "constant (default), uniform (0..2x mean) or exponential.")
  String latencyDist;

  @Option(
      names = "--nemesis",
      paramLabel = "FAULTS",
      description =
          "Comma-separated: partition (Maelstrom's), kill, clock, loss, and with --http pause,"
              + " with --registry registry (idmint's own) (Maelstrom: none; demo: the first four,"
              + " all six with --registry).")
  String nemesis;

  @Option(
      names = "--nemesis-interval",
      paramLabel = "SECONDS",
      description =
          "Mean seconds between nemesis operations of each fault (Maelstrom: 10; demo: 2).")
  Double nemesisInterval;

  @Option(
      names = "--availability",
      paramLabel = "total|FRACTION",
      description =
          "Fail unless this fraction (0.99, 1/2) of operations is ok; total means all (default: not checked).")
  String availability;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "Seed for the nemesis schedule, request timing, loss and latency (default random, printed).")
  Long seed;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description = "Where runs are kept (default ./store).")
  Path store;

  @Option(
      names = "--test-count",
      paramLabel = "N",
      description = "Run the test N times, seeds SEED..SEED+N-1; exit with the worst verdict.")
  Integer testCount;

  @Option(
      names = "--log-stderr",
      description = "Echo each node's stderr here, prefixed with its name (always in node-logs/).")
  boolean logStderr;

  @Option(
      names = "--log-net-send",
      description = "Record every message sent, with its time, to net.jsonl in the store.")
  boolean logNetSend;

  @Option(
      names = "--log-net-recv",
      description = "Record every message delivered or dropped, with its time, to net.jsonl.")
  boolean logNetRecv;

  @Option(
      names = "--topology",
      paramLabel = "NAME",
      description = "Maelstrom's broadcast topology: checked, then unused by unique-ids.")
  String topology;

  /** Jepsen's flags for reaching nodes over SSH, and for naming them. */
  @Option(
      names = {
        "--username",
        "--password",
        "--ssh-private-key",
        "--strict-host-key-checking",
        "--no-ssh",
        "--node",
        "-n",
        "--nodes",
        "--nodes-file"
      },
      hidden = true,
      arity = "0..1",
      paramLabel = "VALUE")
  List<String> jepsenFlags;

  @Unmatched List<String> unmatched;

  /** Jepsen's SSH and node-list flags have no meaning here: a clear refusal rather than a guess. */
  private void refuseJepsenFlags() {
    if (jepsenFlags == null) {
      return;
    }
    for (String arg : spec.commandLine().getParseResult().originalArgs()) {
      if (arg.equals("--")) {
        break; // the rest belongs to the --bin program
      }
      // -nn1 is -n with its value attached, as picocli reads it
      String flag =
          !arg.startsWith("--") && arg.startsWith("-n")
              ? "-n"
              : arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (flag) {
        case "--username",
            "--password",
            "--ssh-private-key",
            "--strict-host-key-checking",
            "--no-ssh" ->
            throw new ParameterException(
                spec.commandLine(),
                flag
                    + " is one of Jepsen's SSH flags: idmint test, like Maelstrom, runs every node"
                    + " as a local process, so there is no host to log in to; leave it out");
        case "--node", "-n", "--nodes", "--nodes-file" ->
            throw new ParameterException(
                spec.commandLine(),
                flag
                    + " is Jepsen's list of hosts: idmint test names its nodes n1..n5, or n0..n(N-1)"
                    + " with --node-count N, as Maelstrom does; use --node-count");
        default -> {
          // not one of them
        }
      }
    }
  }

  @Override
  public Integer call() {
    Config config = config();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (topology != null) {
      err.println(
          "idmint test: --topology "
              + config.topology()
              + " is valid, and unused: it is for Maelstrom's broadcast workload");
    }
    try {
      return Harness.run(config, out, err, System.console() != null);
    } catch (Harness.StoreException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (Harness.SetupException e) {
      err.println("idmint test: " + e.getMessage());
      return HARNESS_FAILED;
    } catch (Exception | Error e) {
      err.println(
          "idmint test: the harness itself failed (this is a bug in idmint, not in the node):");
      e.printStackTrace(err);
      return HARNESS_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The flags as a config, or a ParameterException (exit 254) saying what is wrong. */
  private Config config() {
    if (unmatched != null && !unmatched.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown option '"
              + unmatched.get(0)
              + "'"
              + (bin != null
                  ? " (an argument for the --bin program that starts with - goes after --: --bin CMD -- "
                      + unmatched.get(0)
                      + ")"
                  : ""));
    }
    refuseJepsenFlags();
    if (args != null && !args.isEmpty() && bin == null) {
      throw new ParameterException(
          spec.commandLine(),
          "unexpected argument '" + args.get(0) + "' (arguments are for the --bin program)");
    }
    List<String> command = null;
    if (bin != null) {
      command = new ArrayList<>();
      command.add(bin);
      if (args != null) {
        command.addAll(args);
      }
    }
    try {
      return Config.resolve(
          new Config.Flags(
              workload,
              command,
              nodeCount,
              timeLimit,
              rate,
              concurrency,
              latency,
              latencyDist,
              nemesis,
              nemesisInterval,
              availability,
              seed,
              testCount,
              new Config.Logging(logStderr, logNetSend, logNetRecv),
              topology,
              store,
              http,
              lb,
              registry,
              workerIds,
              registryTtlMs),
          System.getenv(),
          Path.of("").toAbsolutePath(),
          Faketime.find());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
