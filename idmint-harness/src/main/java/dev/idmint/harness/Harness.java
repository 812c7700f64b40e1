package dev.idmint.harness;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one test: start the nodes, load them under the nemesis, check, and write the store. */
public final class Harness {
  private Harness() {}

  /** Exit codes, as Maelstrom's (Jepsen's) CLI uses them. */
  public static final int VALID = 0;

  public static final int INVALID = 1;
  public static final int UNKNOWN = 2;

  /**
   * Runs the test described by {@code config}; the summary and verdict go to {@code out}, progress
   * and notices to {@code err}.
   *
   * @param terminal whether {@code err} is a terminal, for the progress line
   * @return 0 valid, 1 invalid, 2 unknown
   * @throws IOException if the store cannot be written
   */
  public static int run(Config config, PrintWriter out, PrintWriter err, boolean terminal)
      throws IOException, InterruptedException {
    for (String w : config.warnings()) {
      err.println("idmint test: " + w);
    }
    Path runDir = createRunDir(config.store());
    linkLatest(config.store(), runDir, err);
    err.println(
        "idmint test: "
            + config.nodeCount()
            + " node"
            + (config.nodeCount() == 1 ? "" : "s")
            + " of "
            + String.join(" ", config.command())
            + "\n             store "
            + runDir
            + (config.demo()
                ? "\n             demo: every fault for "
                    + Summary.num(config.timeLimit())
                    + " s (give any test flag to get Maelstrom's defaults instead)"
                : ""));

    Network net = new Network(config.latencyMs(), config.latencyDist(), err);
    Cluster cluster = new Cluster(config, runDir, net, err);
    Thread cleanup = new Thread(cluster::stopAll, "idmint-test-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C must not leave nodes behind
    Checker.Inputs inputs;
    try {
      long startAt = System.nanoTime();
      Map<String, String> failed = cluster.startAndInit(List.of(cluster.nodes), false);
      List<Op> ops = List.of();
      List<Nemesis.Entry> timeline = List.of();
      long t0 = System.nanoTime();
      long loadEnd = t0;
      long end = t0;
      long cpu = 0;
      long slips = 0;
      long slipped = 0;
      if (failed.isEmpty()) {
        err.printf(
            java.util.Locale.ROOT,
            "idmint test: all nodes answered init in %.2f s; running for %s s%n",
            (t0 - startAt) / 1e9,
            Summary.num(config.timeLimit()));
        Warmup.run(30_000);
        Workload workload = new Workload(config, net, cluster.nodes);
        Nemesis nemesis =
            new Nemesis(
                NemesisPlan.plan(
                    NemesisPlan.mix(config.seed(), 100),
                    config.nemesis(),
                    config.nodeCount(),
                    config.nemesisInterval(),
                    config.timeLimit()),
                cluster,
                net);
        Progress progress = new Progress(err, terminal, workload, nemesis);
        long cpu0 = cpuNanos();
        t0 = System.nanoTime();
        long limit = t0 + (long) (config.timeLimit() * 1e9);
        nemesis.start(t0);
        progress.start(t0, limit);
        workload.run(t0, limit);
        loadEnd = System.nanoTime();
        cpu = cpuNanos() - cpu0;
        nemesis.stop();
        nemesis.healAll();
        workload.drain();
        end = System.nanoTime();
        progress.stop();
        ops = workload.ops;
        slips = workload.slips;
        slipped = workload.slippedNanos;
        timeline = nemesis.timeline();
      }
      net.stop();
      cluster.stopAll();
      Map<String, Long> counters = new LinkedHashMap<>();
      counters.put("client_sent", net.clientSent.sum());
      counters.put("client_received", net.clientReceived.sum());
      counters.put("server_sent", net.serverSent.sum());
      counters.put("server_received", net.serverReceived.sum());
      counters.put("dropped_by_loss", net.droppedByLoss.sum());
      counters.put("dropped_by_partition", net.droppedByPartition.sum());
      counters.put("unmatched_replies", net.unmatchedReplies.sum());
      inputs =
          new Checker.Inputs(
              config,
              t0,
              loadEnd,
              end,
              ops,
              timeline,
              net.violations(),
              net.violationCount(),
              counters,
              new ArrayList<>(cluster.crashes),
              new ArrayList<>(cluster.initFailures),
              failed.isEmpty(),
              cpu,
              slips,
              slipped);
    } finally {
      cluster.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway
      }
    }

    Checker.Result result = Checker.check(inputs);
    Results.writeResults(result, runDir.resolve("results.json"));
    Results.writeHistory(inputs, runDir.resolve("history.jsonl"));
    List<String> summary = Summary.lines(result, runDir);
    Report.write(result, summary, runDir.resolve("report.html"));
    out.println();
    summary.forEach(out::println);
    out.flush();
    return switch (result.valid()) {
      case TRUE -> VALID;
      case FALSE -> INVALID;
      case UNKNOWN -> UNKNOWN;
    };
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
  static void linkLatest(Path store, Path runDir, PrintWriter err) {
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
      err.println(
          "idmint test: could not update " + store.resolve("latest") + ": " + e.getMessage());
    }
  }
}
