package dev.idmint.harness.plan;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The nemesis schedule, fixed up front from the seed. As in Jepsen's combined nemesis, each fault
 * type alternates start and stop on its own timeline ({@code gen/flip-flop}), with gaps drawn
 * uniformly from {@code [0, 2 × interval)} ({@code gen/stagger}) and the first start at time 0;
 * kills, which could catch nothing there, begin after a healthy stretch and end in time for the
 * restarted nodes to be asked again ({@link #kills}).
 *
 * <p>Under Maelstrom a partition start is a grudge between nodes in one of Jepsen's shapes. HTTP
 * services do not talk to each other, so there a partition cuts the instances a node spec picks off
 * from their clients: their connections {@code stall} (nothing moves) or are {@code refuse}d
 * (reset), one or the other at random.
 *
 * <p>A clock start is one of three kinds, each aimed at a different bug: a <em>rewind</em> steps
 * clocks back by part of the time since each was last set, into time the node has already issued
 * IDs in (what catches a generator that trusts the wall clock); a <em>strobe</em> swings clocks
 * back and forth by a small delta, as Jepsen's {@code strobe-time} does (ours either way, so a
 * backward swing revisits time just used); a <em>bump</em> jumps them by a millisecond to two hours
 * either way (what exposes a generator that stalls or throws).
 */
public final class NemesisPlan {
  private NemesisPlan() {}

  /** Jepsen's node specs for picking kill and clock targets ({@code combined/node-specs}). */
  static final List<String> NODE_SPECS =
      List.of("random-subset", "one", "minority-third", "minority", "majority", "all");

  /** Clock bumps are log-uniform in magnitude from 1 ms to 2 h, either way. */
  static final double MAX_CLOCK_JUMP_MS = 2 * 3600 * 1000.0;

  /** A rewind needs this much time since the clock was last set to land in used time. */
  static final long MIN_REWIND_WINDOW_NANOS = 300_000_000L;

  /**
   * Strobe deltas are log-uniform from 4 ms to 2 s, either way (Jepsen's only go forward, up to 262
   * s), periods from 1 ms to 1 s as Jepsen's.
   */
  static final int STROBE_MAX_DELTA_LOG2 = 11;

  static final int STROBE_MAX_PERIOD_LOG2 = 10;

  /**
   * The fraction of node-to-node messages the loss fault drops while it is on (half, as Maelstrom's
   * {@code flaky!}, which drops every message, clients' included, and never stops).
   */
  public static final double LOSS = 0.5;

  /**
   * A clock swinging between its offset and the offset plus {@code deltaMs}, which may be below
   * zero. Each swing lasts {@code periodMs} give or take half, drawn from {@code seed}: with a
   * fixed period, a delta near an even multiple of it would make every swing miss the time used
   * before.
   */
  public record Strobe(long deltaMs, long periodMs, long seed) {}

  /**
   * One nemesis operation.
   *
   * @param at nanoseconds from the start of the load
   * @param spec how targets were chosen: a partition shape or a node spec; null for stops
   * @param grudge for a partition start between nodes
   * @param nodes for a kill, pause or clock start, the instances a partition or registry start cuts
   *     off, or the etcd member a registry start kills
   * @param deltas for a bump or rewind: node to milliseconds added to its clock
   * @param kind for a clock start: {@code bump}, {@code rewind} or {@code strobe}; for a cut:
   *     {@code stall} or {@code refuse}; for a registry start, a cut's or {@code member}
   * @param strobe for a strobe
   */
  public record Event(
      long at,
      Fault fault,
      boolean start,
      String spec,
      Map<Integer, Set<Integer>> grudge,
      List<Integer> nodes,
      Map<Integer, Long> deltas,
      String kind,
      Strobe strobe) {

    public static Event stop(long at, Fault fault) {
      return new Event(at, fault, false, null, null, null, null, null, null);
    }

    /** Jepsen's name for the operation. */
    public String f() {
      return switch (fault) {
        case PARTITION -> start ? "start-partition" : "stop-partition";
        case KILL -> start ? "kill" : "start";
        case CLOCK ->
            start ? ("strobe".equals(kind) ? "strobe-clock" : "bump-clock") : "reset-clock";
        case LOSS -> start ? "start-loss" : "stop-loss";
        case PAUSE -> start ? "pause" : "resume";
        case REGISTRY -> start ? "start-registry" : "stop-registry";
      };
    }
  }

  /**
   * The schedule for {@code n} nodes, or with {@code cutClients} for {@code n} HTTP instances whose
   * partitions cut them off from their clients.
   */
  public static List<Event> plan(
      long seed,
      Set<Fault> faults,
      int n,
      double intervalSec,
      double timeLimitSec,
      boolean cutClients) {
    return plan(seed, faults, n, intervalSec, timeLimitSec, cutClients, 0);
  }

  /**
   * As above, with each pause lasting at least {@code minPauseNanos} where the load leaves room:
   * with a registry, a pause shorter than the lease TTL cannot cost a holder its worker, so it
   * cannot test what the registry is for.
   */
  public static List<Event> plan(
      long seed,
      Set<Fault> faults,
      int n,
      double intervalSec,
      double timeLimitSec,
      boolean cutClients,
      long minPauseNanos) {
    List<Event> events = new ArrayList<>();
    long limit = (long) (timeLimitSec * 1e9);
    double maxGap = 2 * intervalSec * 1e9;
    for (Fault fault : faults) {
      SplittableRandom r = new SplittableRandom(Seeds.mix(seed, fault.ordinal() + 1));
      if (fault == Fault.KILL || fault == Fault.PAUSE) {
        long least = fault == Fault.PAUSE ? minPauseNanos : 0;
        events.addAll(kills(fault, n, r, maxGap, limit - recovery(intervalSec, limit), least));
      } else {
        events.addAll(flipFlop(fault, n, r, maxGap, limit, cutClients));
      }
    }
    events.sort(Comparator.comparingLong(Event::at).thenComparing(Event::fault));
    return events;
  }

  /** Jepsen's flip-flop from time 0, gaps from {@code [0, maxGap)}, until the time limit. */
  private static List<Event> flipFlop(
      Fault fault, int n, SplittableRandom r, double maxGap, long limit, boolean cutClients) {
    List<Event> events = new ArrayList<>();
    long[] clockSet = new long[n]; // when each node's clock was last set; the load starts at 0
    boolean start = true;
    for (long t = 0; t < limit; t += (long) (r.nextDouble() * maxGap)) {
      if (!start) {
        events.add(Event.stop(t, fault));
        java.util.Arrays.fill(clockSet, t); // a reset sets every clock
      } else if (fault == Fault.CLOCK) {
        events.add(clockStart(t, n, r, clockSet));
      } else if (fault == Fault.PARTITION && cutClients) {
        events.add(cutStart(Fault.PARTITION, t, n, r));
      } else if (fault == Fault.REGISTRY) {
        events.add(registryStart(t, n, r));
      } else {
        events.add(startEvent(t, fault, n, r));
      }
      start = !start;
    }
    return events;
  }

  /**
   * How long before the end of the load every node the kill fault took down is back: the interval,
   * but no more than a quarter of the load.
   */
  static long recovery(double intervalSec, long limit) {
    return Math.min((long) (intervalSec * 1e9), limit / 4);
  }

  /**
   * The kill fault's timeline, made so that a kill can catch a node that forgets its state: the
   * flip-flop begins after a healthy stretch drawn like every gap (a node killed at time 0 has
   * issued nothing to forget), each kill takes at least one node, and no kill outlasts {@code
   * recoveredBy}: a node still down then is restarted there, so every restarted node is asked for
   * IDs again before the load ends. The pause fault's timeline is made the same way, for the same
   * reasons: a paused instance must have been serving, and must be asked again once resumed; and
   * each pause lasts at least {@code least} nanoseconds: none starts where {@code recoveredBy}
   * leaves no room for that.
   */
  static List<Event> kills(
      Fault fault, int n, SplittableRandom r, double maxGap, long recoveredBy, long least) {
    List<Event> events = new ArrayList<>();
    boolean start = true;
    long startedAt = 0;
    for (long t = (long) (r.nextDouble() * maxGap);
        t < recoveredBy;
        t += (long) (r.nextDouble() * maxGap)) {
      if (start) {
        if (least > 0 && t + least > recoveredBy) {
          break; // no room left for a pause that could cost a lease
        }
        events.add(killStart(fault, t, n, r));
        startedAt = t;
      } else {
        t = Math.max(t, startedAt + least);
        if (t >= recoveredBy) {
          break; // the stop at the recovery window below ends it
        }
        events.add(Event.stop(t, fault));
      }
      start = !start;
    }
    if (!start) {
      events.add(Event.stop(recoveredBy, fault));
    }
    return events;
  }

  /** A kill (or pause) of the nodes a node spec picks, at least one. */
  private static Event killStart(Fault fault, long t, int n, SplittableRandom r) {
    Picked p = pick(n, r);
    return new Event(t, fault, true, p.spec, null, p.nodes, null, null, null);
  }

  /** A node spec drawn, and the nodes it picks. */
  private record Picked(String spec, List<Integer> nodes) {}

  /**
   * A node spec drawn from Jepsen's, and the nodes it picks; at least one, since a fault needs a
   * target (minority-third of fewer than four nodes picks none: one at random, then).
   */
  private static Picked pick(int n, SplittableRandom r) {
    String spec = NODE_SPECS.get(r.nextInt(NODE_SPECS.size()));
    List<Integer> nodes = targets(spec, n, r);
    return new Picked(spec, nodes.isEmpty() ? List.of(r.nextInt(n)) : nodes);
  }

  /**
   * A registry start: half the time one etcd member killed ({@code kind} {@code member}, {@code
   * nodes} the member's index: one of three, so etcd keeps its quorum), else the instances a node
   * spec picks (at least one) cut off from every etcd member, their connections stalled or refused
   * as in a partition.
   */
  private static Event registryStart(long t, int n, SplittableRandom r) {
    if (r.nextBoolean()) {
      List<Integer> member = List.of(r.nextInt(Config.Registry.MEMBERS));
      return new Event(t, Fault.REGISTRY, true, "member", null, member, null, "member", null);
    }
    return cutStart(Fault.REGISTRY, t, n, r);
  }

  /** A partition start between nodes, a grudge in one of Jepsen's shapes; a plain start else. */
  private static Event startEvent(long t, Fault fault, int n, SplittableRandom r) {
    if (fault != Fault.PARTITION) {
      return new Event(t, fault, true, null, null, null, null, null, null);
    }
    Grudges.Shape shape = Grudges.Shape.values()[r.nextInt(Grudges.Shape.values().length)];
    return new Event(
        t, fault, true, shape.label, Grudges.grudge(shape, n, r), null, null, null, null);
  }

  /**
   * A start that cuts the instances a node spec picks (at least one) off: from their clients (a
   * partition), or from etcd (a registry start).
   */
  private static Event cutStart(Fault fault, long t, int n, SplittableRandom r) {
    Picked p = pick(n, r);
    String kind = r.nextBoolean() ? "stall" : "refuse";
    return new Event(t, fault, true, p.spec, null, p.nodes, null, kind, null);
  }

  /**
   * A clock start at {@code t} on the nodes a node spec picks (at least one). Where every target
   * has used its clock for a while since it was last set ({@code clockSet}): a rewind 75% of the
   * time, a strobe 15%, a bump 10%; otherwise a strobe 90%, a bump 10%. Updates {@code clockSet}
   * for the targets.
   */
  private static Event clockStart(long t, int n, SplittableRandom r, long[] clockSet) {
    Picked p = pick(n, r);
    String spec = p.spec;
    List<Integer> nodes = p.nodes;
    long window = Long.MAX_VALUE;
    for (int node : nodes) {
      window = Math.min(window, t - clockSet[node]);
    }
    double u = r.nextDouble();
    String kind;
    if (window >= MIN_REWIND_WINDOW_NANOS) {
      kind = u < 0.75 ? "rewind" : u < 0.9 ? "strobe" : "bump";
    } else {
      kind = u < 0.9 ? "strobe" : "bump";
    }
    Map<Integer, Long> deltas = null;
    Strobe strobe = null;
    switch (kind) {
      case "rewind" -> {
        deltas = new TreeMap<>();
        for (int node : nodes) {
          double part = 0.5 + 0.5 * r.nextDouble();
          deltas.put(node, -Math.max(1, Math.round(part * (t - clockSet[node]) / 1e6)));
        }
      }
      case "strobe" -> {
        double deltaLog2 = 2 + r.nextDouble() * (STROBE_MAX_DELTA_LOG2 - 2);
        long delta = Math.round(Math.pow(2, deltaLog2));
        // A swing lasts no longer than it is large: small, fast oscillations.
        long period =
            Math.round(Math.pow(2, r.nextDouble() * Math.min(STROBE_MAX_PERIOD_LOG2, deltaLog2)));
        strobe = new Strobe(r.nextBoolean() ? delta : -delta, period, r.nextLong());
      }
      default -> {
        deltas = new TreeMap<>();
        for (int node : nodes) {
          long ms = Math.round(Math.pow(MAX_CLOCK_JUMP_MS, r.nextDouble()));
          deltas.put(node, r.nextBoolean() ? ms : -ms);
        }
      }
    }
    for (int node : nodes) {
      clockSet[node] = t;
    }
    return new Event(t, Fault.CLOCK, true, spec, null, nodes, deltas, kind, strobe);
  }

  /** Jepsen's {@code db-nodes}: which nodes a node spec picks, sorted. */
  static List<Integer> targets(String spec, int n, SplittableRandom r) {
    List<Integer> s = Grudges.shuffled(Grudges.range(n), r);
    int k =
        switch (spec) {
          case "random-subset" -> 1 + r.nextInt(n);
          case "one" -> 1;
          case "minority-third" -> Grudges.minorityThird(n);
          case "minority" -> Grudges.majority(n) - 1;
          case "majority" -> Grudges.majority(n);
          case "all" -> n;
          default -> throw new IllegalArgumentException(spec);
        };
    List<Integer> picked = new ArrayList<>(s.subList(0, k));
    picked.sort(null);
    return picked;
  }
}
