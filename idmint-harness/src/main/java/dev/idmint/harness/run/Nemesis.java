package dev.idmint.harness.run;

import dev.idmint.harness.config.Fault;
import dev.idmint.harness.plan.NemesisPlan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Carries out the nemesis plan on its own thread, each operation by its fault's action, and heals
 * everything at the end.
 */
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
  private final Map<Fault, FaultAction> actions;
  private final List<Entry> timeline = new ArrayList<>();
  private final Map<Fault, String> active = new EnumMap<>(Fault.class);
  private volatile boolean stopped;
  private Thread thread;

  /**
   * @param actions what each planned fault does
   */
  public Nemesis(List<NemesisPlan.Event> plan, Map<Fault, FaultAction> actions) {
    this.plan = plan;
    this.actions = actions;
  }

  /**
   * Carries out the plan from {@code t0}: what is planned for time 0 before returning, so it is in
   * effect when the load begins, and the rest on the nemesis thread, each at its time or as soon
   * after as the operation before it (a restart waits for init) is done. A start that comes so late
   * that its own stop is already due is skipped with its stop: it would be in effect for no time,
   * and a kill could then still be down when the load ends.
   */
  public void start(long t0) {
    int first = 0;
    while (first < plan.size() && plan.get(first).at() <= 0) {
      apply(plan.get(first++));
    }
    int from = first;
    thread = new Thread(() -> run(t0, from), "nemesis");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(long t0, int from) {
    boolean[] skip = new boolean[plan.size()];
    for (int i = from; i < plan.size(); i++) {
      NemesisPlan.Event e = plan.get(i);
      long at = t0 + e.at();
      for (long left; !stopped && (left = at - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(this, left);
      }
      if (stopped) {
        return;
      }
      int stop = e.start() ? nextOf(e.fault(), i) : -1;
      if (stop >= 0 && t0 + plan.get(stop).at() <= System.nanoTime()) {
        skip[stop] = true;
      } else if (!skip[i]) {
        apply(e);
      }
    }
  }

  /** The index of the next operation of {@code fault} after {@code i}, or -1. */
  private int nextOf(Fault fault, int i) {
    for (int j = i + 1; j < plan.size(); j++) {
      if (plan.get(j).fault() == fault) {
        return j;
      }
    }
    return -1;
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

  /** Each fault in effect, with what the progress line shows for it. */
  synchronized Map<Fault, String> activeFaults() {
    return new EnumMap<>(active);
  }

  public synchronized List<Entry> timeline() {
    return List.copyOf(timeline);
  }

  private void apply(NemesisPlan.Event e) {
    long at = System.nanoTime();
    FaultAction action = actions.get(e.fault());
    Effect effect = e.start() ? action.start(e) : action.stop();
    long done = System.nanoTime();
    synchronized (this) {
      timeline.add(
          new Entry(at, done, e.fault(), e.start(), e.f(), effect.value(), effect.summary()));
      if (e.start()) {
        active.put(e.fault(), effect.active() != null ? effect.active() : effect.summary());
      } else {
        active.remove(e.fault());
      }
    }
  }
}
