package dev.idmint.harness;

import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.http.HttpTransport;
import dev.idmint.harness.maelstrom.MaelstromTransport;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.ClockFault;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.FaultAction;
import dev.idmint.harness.run.KillFault;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.PauseFault;
import dev.idmint.harness.run.Progress;
import dev.idmint.harness.run.Transport;
import dev.idmint.harness.run.Workload;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One test run: start the processes, load them under the nemesis, stop everything, collect. */
final class TestRun {
  private final Config config;
  private final Path runDir;
  private final Console console;
  private List<Traffic.Flow> flows = List.of();

  TestRun(Config config, Path runDir, Console console) {
    this.config = config;
    this.runDir = runDir;
    this.console = console;
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

  /** Starts the nodes, runs the load if they all came up, stops everything, and collects. */
  Inputs execute() throws IOException, InterruptedException {
    Traffic traffic = new Traffic(config.logging(), runDir.resolve("net.jsonl"));
    Transport net =
        config.http() != null
            ? new HttpTransport(config, runDir, console)
            : new MaelstromTransport(
                config,
                config.ownNode() ? Files.createDirectories(runDir.resolve("state")) : null,
                traffic,
                console);
    Cluster cluster = new Cluster(config, runDir, net.processes(), console);
    net.start();
    Thread cleanup =
        new Thread(
            () -> {
              cluster.stopAll();
              net.stop();
            },
            "idmint-test-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C must not leave nodes (or HAProxy)
    try {
      long startAt = System.nanoTime();
      boolean up = cluster.startAndInit(List.of(cluster.nodes), false).isEmpty();
      if (up) {
        net.instancesUp();
      }
      Load load = up ? load(net, traffic, cluster, startAt) : Load.none();
      net.stop();
      cluster.stopAll();
      traffic.close();
      flows = traffic.flows();
      return new Inputs(
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
          net instanceof HttpTransport h ? h.holdings() : null);
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

  /** The load's first messages, for the message-flow diagram, once the run is over. */
  List<Traffic.Flow> flows() {
    return flows;
  }

  /**
   * The measured window: requests on the seeded plan under the nemesis for the time limit, then
   * every fault healed and the last replies awaited.
   */
  private Load load(Transport net, Traffic traffic, Cluster cluster, long startAt)
      throws InterruptedException {
    console.println(
        String.format(
            Locale.ROOT,
            "idmint test: all %s in %.2f s; running for %s s",
            config.http() == null ? "nodes answered init" : instancesUp(config),
            (System.nanoTime() - startAt) / 1e9,
            Text.num(config.timeLimit())));
    net.clients().warmUp();
    Workload workload = new Workload(config, net.clients());
    Nemesis nemesis = new Nemesis(plan(), faults(net, cluster));
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

  /** What "all ... in 1.23 s" says of HTTP instances once they are up. */
  private static String instancesUp(Config config) {
    Config.Registry reg = config.registry();
    String up =
        reg != null && reg.workers() < config.nodeCount()
            ? "instances up, "
                + reg.workers()
                + " ready (workers "
                + reg.workerIds()
                + ": the others stand by)"
            : "instances ready";
    return up + (config.http().lb() ? " and haproxy up" : "");
  }

  private List<NemesisPlan.Event> plan() {
    return NemesisPlan.plan(
        Seeds.nemesis(config.seed()),
        config.nemesis(),
        config.nodeCount(),
        config.nemesisInterval(),
        config.timeLimit(),
        config.http() != null,
        // With a registry, a pause outlasts the lease TTL by a second: only then is it a test of
        // it.
        config.registry() == null ? 0 : (config.registry().ttlMs() + 1000) * 1_000_000);
  }

  /**
   * What each fault does: partition and loss act on the wire, kill, clock and pause on the cluster,
   * registry on the transport's etcd (where it has one).
   */
  private static Map<Fault, FaultAction> faults(Transport net, Cluster cluster) {
    Map<Fault, FaultAction> faults = new EnumMap<>(Fault.class);
    faults.put(Fault.PARTITION, net.partition());
    faults.put(Fault.KILL, new KillFault(cluster));
    faults.put(Fault.CLOCK, new ClockFault(cluster));
    faults.put(Fault.LOSS, net.loss());
    faults.put(Fault.PAUSE, new PauseFault(cluster));
    FaultAction registry = net.registry();
    if (registry != null) {
      faults.put(Fault.REGISTRY, registry);
    }
    return faults;
  }

  /** CPU time this JVM has used, all threads; shows whether the harness could be the bottleneck. */
  private static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
