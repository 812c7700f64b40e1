package dev.idmint.harness.maelstrom;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.Grudges;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.Clients;
import dev.idmint.harness.run.Effect;
import dev.idmint.harness.run.FaultAction;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.ProcessKind;
import dev.idmint.harness.run.Transport;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Workload;
import dev.idmint.harness.text.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The transport for Maelstrom nodes: nodes that speak Maelstrom's protocol over stdin and stdout,
 * workers that are clients on Maelstrom's network, and the network's own faults, partitions
 * (grudges between nodes) and loss.
 */
public final class MaelstromTransport implements Transport, Clients {
  private final Network net;
  private final MaelstromNodes nodes;
  private final List<String> ids;

  /**
   * @param ownState this project's node's state directory, or null for another node
   */
  public MaelstromTransport(Config config, Path ownState, Traffic traffic, Console console) {
    this.net =
        new Network(
            config.latencyMs(),
            config.latencyDist(),
            config.seed(),
            config.firstNodeNumber(),
            traffic,
            console);
    this.nodes = new MaelstromNodes(net, config.command(), ownState);
    this.ids = config.nodeIds();
  }

  @Override
  public ProcessKind processes() {
    return nodes;
  }

  @Override
  public Clients clients() {
    return this;
  }

  @Override
  public FaultAction partition() {
    return new Partition();
  }

  @Override
  public FaultAction loss() {
    return new Loss();
  }

  /** Starts Maelstrom's services. */
  @Override
  public void start() {
    net.startServices();
  }

  @Override
  public void stop() {
    net.stop();
  }

  @Override
  public TransportStats stats() {
    return net.stats();
  }

  // ---- clients

  @Override
  public String addWorker(Workload workload, Workload.Worker w) {
    return "c" + net.addClient(new GenerateClient(net, workload, w));
  }

  @Override
  public void send(Workload.Worker w, Op op) {
    net.sendFromClient(w.client, net.pipe(w.node), op.msgId);
  }

  @Override
  public void timedOut(Workload.Worker w, Op op) {
    net.pipe(op.node).stopDirectWrites();
  }

  /** Maelstrom's clients stay bound to their node, as Jepsen's workers do. */
  @Override
  public int next(Workload.Worker w, int type) {
    return w.node;
  }

  @Override
  public void warmUp() {
    Warmup.run(30_000);
  }

  // ---- faults

  /** Grudges between nodes, applied at delivery time. */
  private final class Partition implements FaultAction {
    @Override
    public Effect start(NemesisPlan.Event e) {
      net.partition(Grudges.matrix(e.grudge(), ids.size()));
      return new Effect(
          JsonMap.of("shape", e.spec(), "grudge", Grudges.named(e.grudge(), ids)),
          e.spec() + " " + components(e),
          e.spec());
    }

    @Override
    public Effect stop() {
      net.partition(null);
      return new Effect("network-healed", "healed");
    }

    /** Components of a partition as {@code n0 n1 | n2 n3 n4}, or a note for a ring. */
    private String components(NemesisPlan.Event e) {
      if ("majorities-ring".equals(e.spec())) {
        return "(every node sees a different majority)";
      }
      Map<String, List<Integer>> groups = new LinkedHashMap<>();
      e.grudge()
          .forEach(
              (node, drops) ->
                  groups.computeIfAbsent(drops.toString(), k -> new ArrayList<>()).add(node));
      StringJoiner s = new StringJoiner(" | ");
      groups.values().forEach(g -> s.add(Text.join(g.stream().map(ids::get).toList())));
      return s.toString();
    }
  }

  /** Half of the messages between nodes dropped as they are sent. */
  private final class Loss implements FaultAction {
    @Override
    public Effect start(NemesisPlan.Event e) {
      net.setLoss(NemesisPlan.LOSS);
      long pct = Math.round(NemesisPlan.LOSS * 100);
      return new Effect(
          JsonMap.of("loss", NemesisPlan.LOSS),
          "dropping " + pct + "% of node-to-node messages",
          pct + "%");
    }

    @Override
    public Effect stop() {
      net.setLoss(0);
      return new Effect(JsonMap.of("loss", 0.0), "stopped");
    }
  }
}
