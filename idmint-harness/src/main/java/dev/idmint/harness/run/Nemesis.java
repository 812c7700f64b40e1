package dev.idmint.harness.run;

import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.locks.LockSupport;

/** Carries out the nemesis plan on its own thread, and heals everything at the end. */
public final class Nemesis {
  /**
   * One nemesis operation as it happened.
   *
   * @param at when it began (nanoTime)
   * @param done when it had taken effect (a restart takes until init_ok)
   * @param value what it did, as JSON: a grudge, nodes and clock offsets, results of restarts
   * @param summary the same in a few words
   */
  public record Entry(
      long at, long done, Fault fault, boolean start, String f, Object value, String summary) {}

  private final List<NemesisPlan.Event> plan;
  private final Cluster cluster;
  private final Transport net;
  private final List<Entry> timeline = new ArrayList<>();
  private final Map<Fault, String> active = new EnumMap<>(Fault.class);
  private final List<String> ids;
  private volatile boolean stopped;
  private Thread thread;

  /** The thread swinging clocks while a strobe is on, else null. */
  private Thread strobe;

  private volatile boolean strobing;

  public Nemesis(List<NemesisPlan.Event> plan, Cluster cluster, Transport net) {
    this.plan = plan;
    this.cluster = cluster;
    this.net = net;
    this.ids = cluster.ids();
  }

  /**
   * Carries out the plan from {@code t0}: what is planned for time 0 before returning, so it is in
   * effect when the load begins, and the rest on the nemesis thread.
   */
  public void start(long t0) {
    int first = 0;
    while (first < plan.size() && plan.get(first).at() <= 0) {
      apply(plan.get(first++));
    }
    List<NemesisPlan.Event> rest = plan.subList(first, plan.size());
    thread =
        new Thread(
            () -> {
              for (NemesisPlan.Event e : rest) {
                long at = t0 + e.at();
                for (long left; !stopped && (left = at - System.nanoTime()) > 0; ) {
                  LockSupport.parkNanos(this, left);
                }
                if (stopped) {
                  return;
                }
                apply(e);
              }
            },
            "nemesis");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops before the next operation, waiting for the current one to finish. */
  public void stop() throws InterruptedException {
    stopped = true;
    if (thread != null) {
      LockSupport.unpark(thread);
      thread.join();
    }
  }

  /** Ends every fault still in effect (the final generators): heal, reset clocks, restart. */
  public void healAll() {
    for (Fault f : Fault.values()) {
      if (activeFaults().containsKey(f)) {
        apply(NemesisPlan.Event.stop(0, f));
      }
    }
  }

  synchronized Map<Fault, String> activeFaults() {
    return new EnumMap<>(active);
  }

  public synchronized List<Entry> timeline() {
    return List.copyOf(timeline);
  }

  /**
   * What one operation did: its value for the history, a few words for people, and for a start what
   * the progress line shows while it lasts (null: worked out here).
   */
  public record Effect(Object value, String summary, String active) {
    Effect(Object value, String summary) {
      this(value, summary, null);
    }
  }

  private void apply(NemesisPlan.Event e) {
    long at = System.nanoTime();
    Effect effect =
        switch (e.fault()) {
          case PARTITION -> net.partition(e);
          case KILL -> e.start() ? kill(e) : restart();
          case CLOCK -> clock(e);
          case LOSS -> net.loss(e.start());
        };
    long done = System.nanoTime();
    synchronized (this) {
      timeline.add(new Entry(at, done, e.fault(), e.start(), e.f(), effect.value, effect.summary));
      if (e.start()) {
        active.put(
            e.fault(), effect.active != null ? effect.active : activeLabel(e, effect.summary));
      } else {
        active.remove(e.fault());
      }
    }
  }

  private Effect kill(NemesisPlan.Event e) {
    List<Object> killed = new ArrayList<>();
    for (int i : e.nodes()) {
      if (cluster.kill(i)) {
        killed.add(ids.get(i));
      }
    }
    return new Effect(
        JsonMap.of("spec", e.spec(), "killed", killed),
        killed.isEmpty() ? "no node up to kill" : "killed " + Text.join(killed));
  }

  private Effect restart() {
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

  private Effect clock(NemesisPlan.Event e) {
    if (!e.start()) {
      stopStrobe();
      return new Effect(
          JsonMap.of("kind", "reset", "nodes", cluster.shiftClocks(null)), "reset all clocks");
    }
    List<String> targets = new ArrayList<>();
    e.nodes().forEach(i -> targets.add(ids.get(i)));
    if (e.strobe() != null) {
      startStrobe(e.nodes(), e.strobe());
      return new Effect(
          JsonMap.of(
              "kind", "strobe",
              "spec", e.spec(),
              "nodes", targets,
              "delta_ms", e.strobe().deltaMs(),
              "period_ms", e.strobe().periodMs()),
          "strobing "
              + Text.join(targets)
              + " by "
              + Text.signedMillis(e.strobe().deltaMs())
              + " every "
              + e.strobe().periodMs()
              + " ms");
    }
    Map<String, Object> moved = cluster.shiftClocks(e.deltas());
    StringJoiner s = new StringJoiner(", ");
    moved.forEach(
        (node, v) -> s.add(node + " " + Text.signedMillis((Long) ((Map<?, ?>) v).get("delta_ms"))));
    boolean rewind = "rewind".equals(e.kind());
    return new Effect(
        JsonMap.of("kind", e.kind(), "spec", e.spec(), "nodes", moved),
        (rewind ? "rewound " : "bumped ")
            + s
            + (rewind ? " (into time already used since the clock was last set)" : ""));
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
              java.util.SplittableRandom jitter = new java.util.SplittableRandom(st.seed());
              long next = System.nanoTime();
              boolean weird = false;
              while (strobing) {
                weird = !weird;
                Map<Integer, Long> swing = new java.util.TreeMap<>();
                for (int i : targets) {
                  swing.put(i, weird ? st.deltaMs() : -st.deltaMs());
                }
                cluster.shiftClocks(swing);
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

  /** While a kill or a clock fault lasts: who is down, whose clock moved. */
  private String activeLabel(NemesisPlan.Event e, String summary) {
    return e.fault() == Fault.KILL
        ? "down " + Text.join(cluster.down())
        : summary.replaceFirst(" \\(into time.*", "");
  }
}
