package dev.idmint.harness;

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
 * uniformly from {@code [0, 2 × interval)} ({@code gen/stagger}) and the first start at time 0.
 */
final class NemesisPlan {
  private NemesisPlan() {}

  /** Jepsen's node specs for picking kill and clock targets ({@code combined/node-specs}). */
  static final List<String> NODE_SPECS =
      List.of("random-subset", "one", "minority-third", "minority", "majority", "all");

  /** Clock jumps are log-uniform in magnitude from 1 ms to 2 h, either way. */
  static final double MAX_CLOCK_JUMP_MS = 2 * 3600 * 1000.0;

  /** The fraction of node-to-node messages the loss fault drops (Maelstrom's {@code flaky!}). */
  static final double LOSS = 0.5;

  /**
   * One nemesis operation.
   *
   * @param at nanoseconds from the start of the load
   * @param spec how targets were chosen: a partition shape or a node spec; null for stops
   * @param grudge for a partition start
   * @param nodes for a kill or clock start
   * @param deltas for a clock start: node to milliseconds added to its clock
   */
  record Event(
      long at,
      Fault fault,
      boolean start,
      String spec,
      Map<Integer, Set<Integer>> grudge,
      List<Integer> nodes,
      Map<Integer, Long> deltas) {

    /** Jepsen's name for the operation. */
    String f() {
      return switch (fault) {
        case PARTITION -> start ? "start-partition" : "stop-partition";
        case KILL -> start ? "kill" : "start";
        case CLOCK -> start ? "bump-clock" : "reset-clock";
        case LOSS -> start ? "start-loss" : "stop-loss";
      };
    }
  }

  static List<Event> plan(
      long seed, Set<Fault> faults, int n, double intervalSec, double timeLimitSec) {
    List<Event> events = new ArrayList<>();
    long limit = (long) (timeLimitSec * 1e9);
    double maxGap = 2 * intervalSec * 1e9;
    for (Fault fault : faults) {
      SplittableRandom r = new SplittableRandom(mix(seed, fault.ordinal() + 1));
      boolean start = true;
      for (long t = 0; t < limit; t += (long) (r.nextDouble() * maxGap)) {
        events.add(
            start
                ? startEvent(t, fault, n, r)
                : new Event(t, fault, false, null, null, null, null));
        start = !start;
      }
    }
    events.sort(Comparator.comparingLong(Event::at).thenComparing(Event::fault));
    return events;
  }

  private static Event startEvent(long t, Fault fault, int n, SplittableRandom r) {
    switch (fault) {
      case PARTITION:
        {
          Grudges.Shape shape = Grudges.Shape.values()[r.nextInt(Grudges.Shape.values().length)];
          return new Event(t, fault, true, shape.label, Grudges.grudge(shape, n, r), null, null);
        }
      case KILL:
        {
          String spec = NODE_SPECS.get(r.nextInt(NODE_SPECS.size()));
          return new Event(t, fault, true, spec, null, targets(spec, n, r), null);
        }
      case CLOCK:
        {
          String spec = NODE_SPECS.get(r.nextInt(NODE_SPECS.size()));
          List<Integer> nodes = targets(spec, n, r);
          Map<Integer, Long> deltas = new TreeMap<>();
          for (int node : nodes) {
            long ms = Math.round(Math.pow(MAX_CLOCK_JUMP_MS, r.nextDouble()));
            deltas.put(node, r.nextBoolean() ? ms : -ms);
          }
          return new Event(t, fault, true, spec, null, nodes, deltas);
        }
      default:
        return new Event(t, fault, true, null, null, null, null);
    }
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

  /** An independent stream per purpose, so adding a fault does not move the others. */
  static long mix(long seed, long salt) {
    long z = seed + salt * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
