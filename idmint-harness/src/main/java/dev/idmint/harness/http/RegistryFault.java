package dev.idmint.harness.http;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.registry.Etcd;
import dev.idmint.harness.run.Effect;
import dev.idmint.harness.run.FaultAction;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The registry fault: an etcd member SIGKILLed, or instances cut off from every member through
 * their etcd proxies (stalled or refused, as a partition); at the stop, every member killed is
 * restarted on its data and every instance healed.
 */
final class RegistryFault implements FaultAction {
  private final Etcd etcd;
  private final EtcdProxies proxies;
  private final List<String> ids;

  RegistryFault(Etcd etcd, EtcdProxies proxies, List<String> ids) {
    this.etcd = etcd;
    this.proxies = proxies;
    this.ids = ids;
  }

  @Override
  public Effect start(NemesisPlan.Event e) {
    if ("member".equals(e.kind())) {
      String member = etcd.names().get(e.nodes().get(0));
      boolean killed = etcd.kill(e.nodes().get(0));
      return new Effect(
          JsonMap.of("kind", "member", "member", member, "killed", killed),
          killed ? "killed etcd member " + member : "etcd member " + member + " was down already",
          member + " down");
    }
    boolean refuse = "refuse".equals(e.kind());
    List<String> cut = new ArrayList<>();
    for (int i : e.nodes()) {
      proxies.cut(i, refuse ? Proxy.Cut.REFUSE : Proxy.Cut.STALL);
      cut.add(ids.get(i));
    }
    return new Effect(
        JsonMap.of("kind", e.kind(), "spec", e.spec(), "cut", cut),
        "cut "
            + Text.join(cut)
            + " off from etcd"
            + (refuse ? " (connections refused)" : " (connections stall)"),
        Text.join(cut) + " cut from etcd");
  }

  @Override
  public Effect stop() {
    proxies.healAll();
    Map<String, String> restarted = etcd.restartDown();
    List<String> failed = new ArrayList<>();
    restarted.forEach(
        (member, outcome) -> {
          if (!outcome.equals("started")) {
            failed.add(member);
          }
        });
    return new Effect(
        JsonMap.of("healed", true, "restarted", restarted),
        "healed"
            + (restarted.isEmpty()
                ? ""
                : "; restarted etcd member " + Text.join(restarted.keySet()))
            + (failed.isEmpty() ? "" : " (not healthy: " + Text.join(failed) + ")"));
  }
}
