package dev.idmint.harness;

import dev.idmint.harness.check.Checker;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.http.HttpTransport;
import dev.idmint.harness.maelstrom.Network;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.SetupFailure;
import dev.idmint.harness.report.FlowDiagram;
import dev.idmint.harness.report.Results;
import dev.idmint.harness.report.RunReport;
import dev.idmint.harness.report.Summary;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Progress;
import dev.idmint.harness.run.Transport;
import dev.idmint.harness.run.Workload;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Runs one test: start the nodes, load them under the nemesis, check, and write the store. */
public final class Harness {
  private Harness() {}

  /** Exit codes, as Maelstrom's (Jepsen's) CLI uses them. */
  public static final int VALID = 0;

  public static final int INVALID = 1;
  public static final int UNKNOWN = 2;

  /**
   * Runs the test described by {@code config}, {@code --test-count} times; each run's summary and
   * verdict go to {@code out}, progress and notices to {@code err}.
   *
   * @param terminal whether {@code err} is a terminal, for the progress line
   * @return 0 valid, 1 invalid, 2 unknown: the worst verdict over the runs
   * @throws IOException if the store cannot be written
   */
  public static int run(Config config, PrintWriter out, PrintWriter err, boolean terminal)
      throws IOException, InterruptedException {
    try {
      return runAll(config, out, new Console(err, terminal));
    } catch (SetupFailure e) {
      throw new SetupException(e);
    }
  }

  private static int runAll(Config config, PrintWriter out, Console console)
      throws IOException, InterruptedException {
    for (String w : config.warnings()) {
      console.println("idmint test: " + w);
    }
    if (config.testCount() == 1) {
      return exitCode(runOnce(config, out, console));
    }
    int[] tally = new int[Checker.Validity.values().length];
    Checker.Validity worst = Checker.Validity.TRUE;
    for (int i = 0; i < config.testCount(); i++) {
      Config c = config.withSeed(config.seed() + i);
      console.println(
          "\nidmint test: run " + (i + 1) + " of " + config.testCount() + ", seed " + c.seed());
      Checker.Validity v = runOnce(c, out, console);
      tally[v.ordinal()]++;
      worst = worst.and(v);
    }
    out.println();
    out.println(
        "test-count   "
            + config.testCount()
            + " runs (seeds "
            + config.seed()
            + ".."
            + (config.seed() + config.testCount() - 1)
            + "): "
            + tally[Checker.Validity.TRUE.ordinal()]
            + " valid, "
            + tally[Checker.Validity.FALSE.ordinal()]
            + " invalid, "
            + tally[Checker.Validity.UNKNOWN.ordinal()]
            + " unknown; exit status is the worst");
    out.flush();
    return exitCode(worst);
  }

  private static int exitCode(Checker.Validity v) {
    return switch (v) {
      case TRUE -> VALID;
      case FALSE -> INVALID;
      case UNKNOWN -> UNKNOWN;
    };
  }

  /** One run: its own directory in the store, its summary on {@code out}. */
  private static Checker.Validity runOnce(Config config, PrintWriter out, Console console)
      throws IOException, InterruptedException {
    Path runDir = createRunDir(config.store());
    linkLatest(config.store(), runDir, console);
    console.println(banner(config, runDir));
    Checker.Inputs inputs = execute(config, runDir, console);
    Checker.Result result = Checker.check(inputs);
    Results.writeResults(result, runDir.resolve("results.json"));
    Results.writeHistory(inputs, runDir.resolve("history.jsonl"));
    List<String> summary = Summary.lines(result, shown(runDir));
    String messages = null;
    if (config.http() == null) { // HTTP services send no messages to draw
      messages =
          FlowDiagram.svg(
              inputs.flows(),
              Traffic.lanes(inputs.flows(), config.nodeIds()),
              result.periods().stream().filter(p -> p.fault() == Fault.PARTITION).toList());
      Files.writeString(runDir.resolve("messages.svg"), messages, StandardCharsets.UTF_8);
    }
    RunReport.write(result, summary, messages, runDir.resolve("report.html"));
    out.println();
    summary.forEach(out::println);
    out.flush();
    return result.valid();
  }

  /** A path as the user would type it: relative when it lies under the working directory. */
  static Path shown(Path dir) {
    Path cwd = Path.of("").toAbsolutePath();
    return dir.startsWith(cwd) && !dir.equals(cwd) ? cwd.relativize(dir) : dir;
  }

  private static String banner(Config config, Path runDir) {
    return "idmint test: "
        + config.nodeCount()
        + (config.http() == null ? " node" : " instance")
        + (config.nodeCount() == 1 ? "" : "s")
        + " of "
        + String.join(" ", config.command())
        + (config.http() == null
            ? ""
            : config.http().lb() ? " over HTTP, behind haproxy" : " over HTTP")
        + "\n             store "
        + shown(runDir)
        + (config.demo()
            ? "\n             demo: every fault for "
                + Text.num(config.timeLimit())
                + " s (give any test flag to get Maelstrom's defaults instead)"
            : "");
  }

  /** Starts the nodes, runs the load if they all came up, stops everything, and collects. */
  private static Checker.Inputs execute(Config config, Path runDir, Console console)
      throws IOException, InterruptedException {
    Traffic traffic = new Traffic(config.logging(), runDir.resolve("net.jsonl"));
    Transport net =
        config.http() != null
            ? new HttpTransport(config, runDir, console)
            : new Network(
                config,
                config.ownNode() ? Files.createDirectories(runDir.resolve("state")) : null,
                traffic,
                console);
    Cluster cluster = new Cluster(config, runDir, net, console);
    net.start();
    Thread cleanup =
        new Thread(
            () -> {
              cluster.stopAll();
              net.stop();
            },
            "idmint-test-cleanup");
    Runtime.getRuntime()
        .addShutdownHook(cleanup); // Ctrl-C must not leave nodes (or HAProxy) behind
    try {
      long startAt = System.nanoTime();
      boolean up = cluster.startAndInit(List.of(cluster.nodes), false).isEmpty();
      if (up) {
        net.instancesUp();
      }
      Load load = up ? load(config, net, traffic, cluster, console, startAt) : Load.none();
      net.stop();
      cluster.stopAll();
      traffic.close();
      return new Checker.Inputs(
          config,
          up,
          load.t0,
          load.end,
          load.drained,
          load.cpu,
          load.outcome,
          load.timeline,
          net.stats(),
          cluster.health(),
          traffic.flows());
    } finally {
      net.stop();
      cluster.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway
      }
    }
  }

  /** What the load phase gives the checkers; times are nanoTime values. */
  private record Load(
      long t0,
      long end,
      long drained,
      long cpu,
      Workload.Outcome outcome,
      List<Nemesis.Entry> timeline) {
    static Load none() {
      long now = System.nanoTime();
      return new Load(now, now, now, 0, Workload.Outcome.NONE, List.of());
    }
  }

  /**
   * The measured window: requests on the seeded plan under the nemesis for the time limit, then
   * every fault healed and the last replies awaited.
   */
  private static Load load(
      Config config, Transport net, Traffic traffic, Cluster cluster, Console console, long startAt)
      throws InterruptedException {
    console.println(
        String.format(
            java.util.Locale.ROOT,
            "idmint test: all %s in %.2f s; running for %s s",
            config.http() == null
                ? "nodes answered init"
                : config.http().lb() ? "instances ready and haproxy up" : "instances ready",
            (System.nanoTime() - startAt) / 1e9,
            Text.num(config.timeLimit())));
    net.warmUp();
    Workload workload = new Workload(config, net);
    Nemesis nemesis =
        new Nemesis(
            NemesisPlan.plan(
                Seeds.nemesis(config.seed()),
                config.nemesis(),
                config.nodeCount(),
                config.nemesisInterval(),
                config.timeLimit(),
                config.http() != null),
            cluster,
            net);
    Progress progress = new Progress(console, workload, nemesis);
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    long limit = t0 + (long) (config.timeLimit() * 1e9);
    traffic.loadStarted(t0);
    nemesis.start(t0);
    progress.start(t0, limit);
    workload.run(t0, limit);
    long end = System.nanoTime();
    long cpu = cpuNanos() - cpu0;
    nemesis.stop();
    nemesis.healAll();
    Workload.Outcome outcome = workload.drain();
    long drained = System.nanoTime();
    progress.stop();
    return new Load(t0, end, drained, cpu, outcome, nemesis.timeline());
  }

  /** CPU time this JVM has used, all threads; shows whether the harness could be the bottleneck. */
  private static long cpuNanos() {
    return ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .map(java.time.Duration::toNanos)
        .orElse(0L);
  }

  private static final DateTimeFormatter DIR_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSZ");

  /**
   * The run could not be set up for a reason outside the node and outside idmint, e.g. HAProxy
   * would not start: the harness failed (exit 255), and the message says why.
   */
  public static final class SetupException extends IOException {
    private static final long serialVersionUID = 1L;

    SetupException(SetupFailure cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The store cannot hold a run: a bad --store, reported as a bad argument. */
  public static final class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    StoreException(String message) {
      super(message);
    }
  }

  /**
   * {@code <store>/<time>}, as Jepsen names test directories; a suffix keeps concurrent runs apart.
   */
  static Path createRunDir(Path store) throws IOException {
    try {
      Files.createDirectories(store);
    } catch (IOException e) {
      throw new StoreException("--store " + store + ": cannot create it (" + e + ")");
    }
    String base = DIR_NAME.format(ZonedDateTime.now());
    for (int i = 0; ; i++) {
      Path dir = store.resolve(i == 0 ? base : base + "-" + i);
      try {
        return Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        // another run started in the same millisecond
      }
    }
  }

  /** Points {@code <store>/latest} at the run, replacing the old link atomically. */
  static void linkLatest(Path store, Path runDir, Console console) {
    Path tmp = store.resolve(".latest-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, runDir.getFileName());
      Files.move(
          tmp,
          store.resolve("latest"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | UnsupportedOperationException e) {
      console.println(
          "idmint test: could not update " + store.resolve("latest") + ": " + e.getMessage());
    }
  }
}
