package dev.idmint.harness;

import dev.idmint.harness.check.Checker;
import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.check.Validity;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.SetupFailure;
import dev.idmint.harness.report.FlowDiagram;
import dev.idmint.harness.report.Markup;
import dev.idmint.harness.report.Results;
import dev.idmint.harness.report.RunReport;
import dev.idmint.harness.report.Summary;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    int[] tally = new int[Validity.values().length];
    Validity worst = Validity.TRUE;
    for (int i = 0; i < config.testCount(); i++) {
      Config c = config.withSeed(config.seed() + i);
      console.println(
          "\nidmint test: run " + (i + 1) + " of " + config.testCount() + ", seed " + c.seed());
      Validity v = runOnce(c, out, console);
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
            + tally[Validity.TRUE.ordinal()]
            + " valid, "
            + tally[Validity.FALSE.ordinal()]
            + " invalid, "
            + tally[Validity.UNKNOWN.ordinal()]
            + " unknown; exit status is the worst");
    out.flush();
    return exitCode(worst);
  }

  private static int exitCode(Validity v) {
    return switch (v) {
      case TRUE -> VALID;
      case FALSE -> INVALID;
      case UNKNOWN -> UNKNOWN;
    };
  }

  /** One run: its own directory in the store, its summary on {@code out}. */
  private static Validity runOnce(Config config, PrintWriter out, Console console)
      throws IOException, InterruptedException {
    Path runDir = Store.createRunDir(config.store());
    Store.linkLatest(config.store(), runDir, console);
    console.println(banner(config, runDir));
    TestRun run = new TestRun(config, runDir, console);
    Inputs inputs = run.execute();
    Result result = Checker.check(inputs);
    Results.writeResults(result, runDir.resolve("results.json"));
    Results.writeHistory(inputs, runDir.resolve("history.jsonl"));
    List<String> summary = Summary.lines(result, Store.shown(runDir));
    Markup messages = null;
    if (config.http() == null) { // HTTP services send no messages to draw
      messages =
          FlowDiagram.svg(
              run.flows(),
              Traffic.lanes(run.flows(), config.nodeIds()),
              result.periods().stream().filter(p -> p.fault() == Fault.PARTITION).toList());
      Files.writeString(
          runDir.resolve("messages.svg"), messages.toString(), StandardCharsets.UTF_8);
    }
    RunReport.write(result, summary, messages, run.flows().size(), runDir.resolve("report.html"));
    out.println();
    summary.forEach(out::println);
    out.flush();
    return result.valid();
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
        + Store.shown(runDir)
        + (config.demo()
            ? "\n             demo: every fault for "
                + Text.num(config.timeLimit())
                + " s (give any test flag to get Maelstrom's defaults instead)"
            : "");
  }

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
}
