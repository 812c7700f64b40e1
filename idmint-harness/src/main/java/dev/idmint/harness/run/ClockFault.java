package dev.idmint.harness.run;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The clock fault: rewind or bump the targets' clocks, or strobe them until the stop, which resets
 * every clock to true time.
 */
public final class ClockFault implements FaultAction {
  private final Clocks clocks;
  private final List<String> ids;

  /** The thread swinging clocks while a strobe is on, else null. */
  private Thread strobe;

  private volatile boolean strobing;

  public ClockFault(Cluster cluster) {
    this.clocks = cluster.clocks();
    this.ids = cluster.ids();
  }

  @Override
  public Effect start(NemesisPlan.Event e) {
    List<String> targets = new ArrayList<>();
    e.nodes().forEach(i -> targets.add(ids.get(i)));
    if (e.strobe() != null) {
      startStrobe(e.nodes(), e.strobe());
      String summary =
          "strobing "
              + Text.join(targets)
              + " by "
              + Text.signedMillis(e.strobe().deltaMs())
              + " every "
              + e.strobe().periodMs()
              + " ms";
      return new Effect(
          JsonMap.of(
              "kind", "strobe",
              "spec", e.spec(),
              "nodes", targets,
              "delta_ms", e.strobe().deltaMs(),
              "period_ms", e.strobe().periodMs()),
          summary);
    }
    Map<String, Object> moved = clocks.shift(e.deltas());
    StringJoiner s = new StringJoiner(", ");
    moved.forEach(
        (node, v) -> s.add(node + " " + Text.signedMillis((Long) ((Map<?, ?>) v).get("delta_ms"))));
    boolean rewind = "rewind".equals(e.kind());
    String what = (rewind ? "rewound " : "bumped ") + s;
    return new Effect(
        JsonMap.of("kind", e.kind(), "spec", e.spec(), "nodes", moved),
        what + (rewind ? " (into time already used since the clock was last set)" : ""),
        what);
  }

  @Override
  public Effect stop() {
    stopStrobe();
    return new Effect(JsonMap.of("kind", "reset", "nodes", clocks.reset()), "reset all clocks");
  }

  /**
   * Swings the targets' clocks between their offset and the offset plus the delta every period, as
   * Jepsen's strobe-time does, until the clock fault stops.
   */
  private void startStrobe(List<Integer> targets, NemesisPlan.Strobe st) {
    strobing = true;
    strobe =
        new Thread(
            () -> {
              SplittableRandom jitter = new SplittableRandom(st.seed());
              long next = System.nanoTime();
              boolean weird = false;
              while (strobing) {
                weird = !weird;
                Map<Integer, Long> swing = new TreeMap<>();
                for (int i : targets) {
                  swing.put(i, weird ? st.deltaMs() : -st.deltaMs());
                }
                clocks.shift(swing);
                next += (long) (st.periodMs() * 1e6 * (0.5 + jitter.nextDouble()));
                for (long left; strobing && (left = next - System.nanoTime()) > 0; ) {
                  LockSupport.parkNanos(this, left);
                }
              }
            },
            "strobe");
    strobe.setDaemon(true);
    strobe.start();
  }

  private void stopStrobe() {
    Thread t = strobe;
    if (t != null) {
      strobing = false;
      LockSupport.unpark(t);
      try {
        t.join();
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
      }
      strobe = null;
    }
  }
}
