package dev.idmint.harness.run;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * The pause fault, as Jepsen's: SIGSTOP the planned targets (with their children), and at the stop
 * SIGCONT every process still paused. A paused process keeps its sockets and its view of the world,
 * and wakes up believing it: a holder of a leased worker whose lease ran out meanwhile.
 */
public final class PauseFault implements FaultAction {
  private final Cluster cluster;

  public PauseFault(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Effect start(NemesisPlan.Event e) {
    List<String> paused = new ArrayList<>();
    for (int i : e.nodes()) {
      if (cluster.pause(i)) {
        paused.add(cluster.ids().get(i));
      }
    }
    return new Effect(
        JsonMap.of("spec", e.spec(), "paused", paused),
        paused.isEmpty() ? "no instance up to pause" : "paused " + Text.join(paused),
        Text.join(paused) + " stopped");
  }

  @Override
  public Effect stop() {
    List<String> resumed = cluster.resumeAll();
    return new Effect(
        JsonMap.of("resumed", resumed),
        resumed.isEmpty() ? "nothing to resume" : "resumed " + Text.join(resumed));
  }
}
