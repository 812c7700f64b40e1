package dev.idmint.harness.run;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The kill fault: SIGKILL the planned targets, and at the stop restart every node killed. */
public final class KillFault implements FaultAction {
  private final Cluster cluster;

  public KillFault(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Effect start(NemesisPlan.Event e) {
    List<Object> killed = new ArrayList<>();
    for (int i : e.nodes()) {
      if (cluster.kill(i)) {
        killed.add(cluster.ids().get(i));
      }
    }
    return new Effect(
        JsonMap.of("spec", e.spec(), "killed", killed),
        killed.isEmpty() ? "no node up to kill" : "killed " + Text.join(killed),
        "down " + Text.join(cluster.down()));
  }

  @Override
  public Effect stop() {
    Map<String, String> result = cluster.restartDown();
    List<String> failed = new ArrayList<>();
    result.forEach(
        (node, outcome) -> {
          if (!outcome.equals("started")) {
            failed.add(node);
          }
        });
    return new Effect(
        result,
        result.isEmpty()
            ? "nothing to restart"
            : "restarted "
                + Text.join(result.keySet())
                + (failed.isEmpty() ? "" : " (init failed: " + Text.join(failed) + ")"));
  }
}
