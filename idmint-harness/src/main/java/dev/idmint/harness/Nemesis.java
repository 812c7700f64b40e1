package dev.idmint.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.locks.LockSupport;

/** Carries out the nemesis plan on its own thread, and heals everything at the end. */
final class Nemesis {
  /**
   * One nemesis operation as it happened.
   *
   * @param at when it began (nanoTime)
   * @param done when it had taken effect (a restart takes until init_ok)
   * @param value what it did, as JSON: a grudge, nodes and clock offsets, results of restarts
   * @param summary the same in a few words
   */
  record Entry(
      long at, long done, Fault fault, boolean start, String f, Object value, String summary) {}

  private final List<NemesisPlan.Event> plan;
  private final Cluster cluster;
  private final Network net;
  private final List<Entry> timeline = new ArrayList<>();
  private final Map<Fault, String> active = new EnumMap<>(Fault.class);
  private volatile boolean stopped;
  private Thread thread;

  Nemesis(List<NemesisPlan.Event> plan, Cluster cluster, Network net) {
    this.plan = plan;
    this.cluster = cluster;
    this.net = net;
  }

  void start(long t0) {
    thread =
        new Thread(
            () -> {
              for (NemesisPlan.Event e : plan) {
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
  void stop() throws InterruptedException {
    stopped = true;
    if (thread != null) {
      LockSupport.unpark(thread);
      thread.join();
    }
  }

  /** Ends every fault still in effect (the final generators): heal, reset clocks, restart. */
  void healAll() {
    for (Fault f : Fault.values()) {
      if (activeFaults().containsKey(f)) {
        apply(new NemesisPlan.Event(0, f, false, null, null, null, null));
      }
    }
  }

  synchronized Map<Fault, String> activeFaults() {
    return new EnumMap<>(active);
  }

  synchronized List<Entry> timeline() {
    return List.copyOf(timeline);
  }

  private void apply(NemesisPlan.Event e) {
    long at = System.nanoTime();
    Object value;
    String summary;
    switch (e.fault()) {
      case PARTITION -> {
        if (e.start()) {
          net.partition(Grudges.matrix(e.grudge(), cluster.nodes.length));
          value = Results.map("shape", e.spec(), "grudge", Grudges.named(e.grudge()));
          summary = e.spec() + " " + components(e);
        } else {
          net.partition(null);
          value = "network-healed";
          summary = "healed";
        }
      }
      case KILL -> {
        if (e.start()) {
          List<Object> killed = new ArrayList<>();
          for (int i : e.nodes()) {
            if (cluster.kill(cluster.nodes[i])) {
              killed.add("n" + i);
            }
          }
          value = Results.map("spec", e.spec(), "killed", killed);
          summary = killed.isEmpty() ? "no node up to kill" : "killed " + join(killed);
        } else {
          List<ClusterNode> down = new ArrayList<>();
          for (ClusterNode n : cluster.nodes) {
            if (n.state == ClusterNode.State.DOWN) {
              down.add(n);
            }
          }
          Map<String, String> failed = cluster.startAndInit(down, true);
          Map<String, Object> result = new LinkedHashMap<>();
          for (ClusterNode n : down) {
            result.put(n.id, failed.getOrDefault(n.id, "started"));
          }
          value = result;
          summary =
              down.isEmpty()
                  ? "nothing to restart"
                  : "restarted "
                      + join(result.keySet())
                      + (failed.isEmpty() ? "" : " (init failed: " + join(failed.keySet()) + ")");
        }
      }
      case CLOCK -> {
        Map<String, Object> offsets = new LinkedHashMap<>();
        StringJoiner s = new StringJoiner(", ");
        for (ClusterNode n : cluster.nodes) {
          long delta = e.start() ? e.deltas().getOrDefault(n.index, 0L) : -n.clockOffset;
          if (delta == 0) {
            continue;
          }
          n.clockOffset += delta;
          try {
            Faketime.write(n.clockFile, n.clockOffset);
          } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + n.clockFile, ex);
          }
          offsets.put(n.id, Results.map("delta_ms", delta, "offset_ms", n.clockOffset));
          if (e.start()) {
            s.add(n.id + " " + millis(delta));
          }
        }
        value = offsets;
        summary = e.start() ? "bumped " + s : "reset all clocks";
      }
      default -> {
        net.setLoss(e.start() ? NemesisPlan.LOSS : 0);
        value = Results.map("loss", e.start() ? NemesisPlan.LOSS : 0.0);
        summary =
            e.start()
                ? "dropping " + Math.round(NemesisPlan.LOSS * 100) + "% of node-to-node messages"
                : "stopped";
      }
    }
    long done = System.nanoTime();
    synchronized (this) {
      timeline.add(new Entry(at, done, e.fault(), e.start(), e.f(), value, summary));
      if (e.start()) {
        active.put(e.fault(), activeLabel(e, summary));
      } else {
        active.remove(e.fault());
      }
    }
  }

  private String activeLabel(NemesisPlan.Event e, String summary) {
    return switch (e.fault()) {
      case PARTITION -> e.spec();
      case KILL -> {
        StringJoiner s = new StringJoiner(" ");
        for (ClusterNode n : cluster.nodes) {
          if (n.state == ClusterNode.State.DOWN) {
            s.add(n.id);
          }
        }
        yield "down " + s;
      }
      case CLOCK -> summary.replace("bumped ", "");
      case LOSS -> Math.round(NemesisPlan.LOSS * 100) + "%";
    };
  }

  /** Components of a partition as {@code [n0 n1] [n2 n3 n4]}, or per-node views for a ring. */
  private static String components(NemesisPlan.Event e) {
    if ("majorities-ring".equals(e.spec())) {
      return "(every node sees a different majority)";
    }
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    e.grudge()
        .forEach(
            (node, drops) ->
                groups.computeIfAbsent(drops.toString(), k -> new ArrayList<>()).add(node));
    StringJoiner s = new StringJoiner(" | ");
    groups.values().forEach(g -> s.add(join(g.stream().map(i -> "n" + i).toList())));
    return s.toString();
  }

  static String join(java.util.Collection<?> c) {
    StringJoiner s = new StringJoiner(" ");
    c.forEach(x -> s.add(String.valueOf(x)));
    return s.toString();
  }

  /** A signed clock jump in the largest fitting unit, e.g. {@code -2.5 s} or {@code +1.9 h}. */
  static String millis(long ms) {
    String sign = ms < 0 ? "-" : "+";
    double a = Math.abs(ms);
    if (a < 1000) {
      return sign + (long) a + " ms";
    } else if (a < 60_000) {
      return sign + String.format(java.util.Locale.ROOT, "%.1f s", a / 1000);
    } else if (a < 3_600_000) {
      return sign + String.format(java.util.Locale.ROOT, "%.1f min", a / 60_000);
    }
    return sign + String.format(java.util.Locale.ROOT, "%.1f h", a / 3_600_000);
  }
}
