package dev.idmint.harness.check;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Workload;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maelstrom's checkers for unique-ids (Jepsen's unique-ids, availability and stats), plus what
 * idmint test is stricter about: protocol violations, crashes and failed inits make a run invalid.
 */
public final class Checker {
  private Checker() {}

  /** Jepsen's three-valued validity; merging keeps the worst (false, then unknown). */
  public enum Validity {
    TRUE,
    UNKNOWN,
    FALSE;

    public Validity and(Validity o) {
      return compareTo(o) >= 0 ? this : o;
    }

    /** As results.json writes it. */
    public Object json() {
      return this == UNKNOWN ? "unknown" : this == TRUE;
    }
  }

  /** Latency quantiles in milliseconds over {@code count} operations. */
  public record Quantiles(int count, double p50, double p95, double p99, double max) {
    static final Quantiles EMPTY = new Quantiles(0, 0, 0, 0, 0);
  }

  /** A stretch of time while a fault was in effect (nanoTime bounds). */
  public record Period(Fault fault, long start, long end, String label) {}

  /** Jepsen's unique-ids checker over the acknowledged IDs. */
  public record Ids(
      Validity valid,
      int acknowledged,
      int duplicatedCount,
      List<Map.Entry<Object, Integer>> duplicated,
      Object[] range,
      String error) {}

  static final int MAX_DUPLICATES_SHOWN = 48;

  /**
   * Duplicates under Clojure equality, and the range under Clojure compare, folded in history order
   * as tesser's range does; a comparison that Clojure would refuse makes the result unknown, as it
   * does in Maelstrom. Duplicates are reported (invalid) even then: they are certain.
   */
  static Ids ids(List<Object> acked) {
    Map<Object, Integer> counts = new HashMap<>(acked.size() * 2);
    Map<Object, Integer> firstSeen = new HashMap<>();
    for (int i = 0; i < acked.size(); i++) {
      Object id = acked.get(i);
      if (counts.merge(id, 1, Integer::sum) == 1) {
        firstSeen.put(id, i);
      }
    }
    List<Map.Entry<Object, Integer>> dups = new ArrayList<>();
    for (Map.Entry<Object, Integer> e : counts.entrySet()) {
      if (e.getValue() > 1) {
        dups.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    dups.sort(
        Comparator.<Map.Entry<Object, Integer>>comparingInt(e -> -e.getValue())
            .thenComparingInt(e -> firstSeen.get(e.getKey())));
    Object[] range = null;
    String error = null;
    try {
      for (Object id : acked) {
        if (range == null) {
          range = new Object[] {id, id};
        } else {
          if (Json.compare(id, range[0]) < 0) {
            range[0] = id;
          }
          if (Json.compare(id, range[1]) > 0) {
            range[1] = id;
          }
        }
      }
    } catch (Json.IncomparableException e) {
      range = null;
      error =
          "IDs of different kinds cannot be ordered, e.g. "
              + e.getMessage()
              + "; Maelstrom's checker throws on these (Clojure compare), so the result is unknown";
    }
    Validity v =
        !dups.isEmpty() ? Validity.FALSE : error != null ? Validity.UNKNOWN : Validity.TRUE;
    return new Ids(
        v,
        acked.size(),
        dups.size(),
        List.copyOf(dups.subList(0, Math.min(MAX_DUPLICATES_SHOWN, dups.size()))),
        range,
        error);
  }

  /**
   * Maelstrom's availability checker: ok / attempted against {@code required} (null: none); with
   * nothing attempted the fraction is 1, as there.
   */
  static Validity availability(long attempted, long ok, Double required) {
    if (required == null) {
      return Validity.TRUE;
    }
    return required <= okFraction(attempted, ok) ? Validity.TRUE : Validity.FALSE;
  }

  static double okFraction(long attempted, long ok) {
    return attempted == 0 ? 1.0 : (double) ok / attempted;
  }

  /**
   * Jepsen's stats checker: every {@code :f} needs an ok. With no operation at all (rate 0) it has
   * no {@code :f} to judge and throws, so Maelstrom's verdict is unknown.
   */
  static Validity stats(boolean ranLoad, int attempted, int ok) {
    if (!ranLoad) {
      return Validity.TRUE;
    }
    if (attempted == 0) {
      return Validity.UNKNOWN;
    }
    return ok > 0 ? Validity.TRUE : Validity.FALSE;
  }

  /** Nearest-rank quantiles of durations in nanoseconds, reported in milliseconds. */
  static Quantiles quantiles(long[] nanos, int n) {
    if (n == 0) {
      return Quantiles.EMPTY;
    }
    long[] s = Arrays.copyOf(nanos, n);
    Arrays.sort(s);
    return new Quantiles(n, ms(rank(s, 0.50)), ms(rank(s, 0.95)), ms(rank(s, 0.99)), ms(s[n - 1]));
  }

  private static long rank(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double ms(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  /** Fault periods from the nemesis timeline: each start until its stop took effect. */
  static List<Period> periods(List<Nemesis.Entry> timeline, long end) {
    List<Period> out = new ArrayList<>();
    Map<Fault, Nemesis.Entry> open = new EnumMap<>(Fault.class);
    for (Nemesis.Entry e : timeline) {
      if (e.start()) {
        open.putIfAbsent(e.fault(), e);
      } else {
        Nemesis.Entry s = open.remove(e.fault());
        if (s != null) {
          out.add(new Period(e.fault(), s.at(), e.done(), s.summary()));
        }
      }
    }
    open.values().forEach(s -> out.add(new Period(s.fault(), s.at(), end, s.summary())));
    out.sort(Comparator.comparingLong(Period::start));
    return out;
  }

  /** Merged [start, end] intervals, sorted, for overlap tests. */
  static long[][] union(List<Period> periods) {
    List<long[]> merged = new ArrayList<>();
    periods.stream()
        .sorted(Comparator.comparingLong(Period::start))
        .forEach(
            p -> {
              long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
              if (last != null && p.start() <= last[1]) {
                last[1] = Math.max(last[1], p.end());
              } else {
                merged.add(new long[] {p.start(), p.end()});
              }
            });
    return merged.toArray(new long[0][]);
  }

  /** Whether [a, b] overlaps one of the merged intervals. */
  static boolean overlaps(long[][] union, long a, long b) {
    int lo = 0;
    int hi = union.length - 1;
    while (lo <= hi) { // the first interval that ends at or after a
      int mid = (lo + hi) >>> 1;
      if (union[mid][1] < a) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return lo < union.length && union[lo][0] <= b;
  }

  /**
   * Everything the run produced, for the checkers: snapshots, none of them changing any more.
   *
   * @param ranLoad whether every node came up, so the load ran
   * @param t0 when the load began (nanoTime)
   * @param loadEnd when the load's time limit was reached
   * @param end when the last request had completed or timed out
   * @param harnessCpuNanos CPU the harness used during the load
   * @param flows the load's first messages, for the message-flow diagram
   */
  public record Inputs(
      Config config,
      boolean ranLoad,
      long t0,
      long loadEnd,
      long end,
      long harnessCpuNanos,
      Workload.Outcome load,
      List<Nemesis.Entry> timeline,
      TransportStats net,
      Cluster.Health cluster,
      List<Traffic.Flow> flows) {

    public List<Op> ops() {
      return load.ops();
    }

    public double loadSeconds() {
      return (loadEnd - t0) / 1e9;
    }
  }

  /** All checker results and the verdict. */
  public record Result(
      Inputs in,
      int attempted,
      int ok,
      int info,
      int fail,
      Ids ids,
      Validity availability,
      double okFraction,
      Validity stats,
      Latency latency,
      List<Period> periods,
      Validity protocol,
      Validity nodes,
      double achievedRate,
      Validity valid,
      List<String> reasons,
      List<Instance> instances) {}

  /**
   * One HTTP instance's requests: the latency of the ok ones, how many were info or fail, and
   * whether its IDs strictly increase in the order it issued them, which the verdict does not
   * depend on.
   *
   * @param info requests it answered with an info (or, without a balancer, sent to it that ended
   *     so), as for fail
   * @param orderViolations ok requests whose ID is not above every ID this instance had already
   *     answered before the request was sent
   * @param firstViolation the earliest-sent such request, or null
   * @param after the ID it should have been above, answered before it was sent
   */
  public record Instance(
      String name,
      Quantiles latency,
      int info,
      int fail,
      int orderViolations,
      Op firstViolation,
      Op after) {}

  /** Latency quantiles of ok operations: all, those overlapping a fault period, the others. */
  public record Latency(Quantiles all, Quantiles duringFaults, Quantiles outsideFaults) {}

  public static Result check(Inputs in) {
    List<Op> ops = in.ops();
    int[] byType = new int[4];
    List<Op> okOps = new ArrayList<>();
    for (Op op : ops) {
      if (op.type() == Op.PENDING) {
        throw new IllegalStateException("op still pending at analysis");
      }
      byType[op.type()]++;
      if (op.type() == Op.OK) {
        okOps.add(op);
      }
    }
    okOps.sort(Comparator.comparingLong(Op::completeAt));
    List<Object> acked = new ArrayList<>(okOps.size());
    okOps.forEach(o -> acked.add(o.value()));
    Ids ids = ids(acked);

    int attempted = ops.size();
    int ok = byType[Op.OK];
    Validity availability = availability(attempted, ok, in.config().availability());
    double okFraction = okFraction(attempted, ok);
    Validity stats = stats(in.ranLoad(), attempted, ok);
    List<Period> periods = periods(in.timeline(), in.end());
    Validity protocol = in.net().violationCount() == 0 ? Validity.TRUE : Validity.FALSE;
    Validity nodes = in.cluster().healthy() ? Validity.TRUE : Validity.FALSE;
    Validity valid = ids.valid().and(availability).and(stats).and(protocol).and(nodes);
    if (in.net().failure() != null) {
      valid = valid.and(Validity.UNKNOWN);
    }
    double seconds = in.loadSeconds();
    return new Result(
        in,
        attempted,
        ok,
        byType[Op.INFO],
        byType[Op.FAIL],
        ids,
        availability,
        okFraction,
        stats,
        latency(okOps, periods),
        periods,
        protocol,
        nodes,
        seconds > 0 ? attempted / seconds : 0,
        valid,
        reasons(in, ids, availability, okFraction, stats),
        in.config().http() == null ? List.of() : instances(ops, in.config().nodeIds()));
  }

  /** Per HTTP instance, the requests it answered: outcomes, latency and the order of its IDs. */
  static List<Instance> instances(List<Op> ops, List<String> names) {
    List<List<Op>> by = new ArrayList<>();
    names.forEach(n -> by.add(new ArrayList<>()));
    int[] info = new int[names.size()];
    int[] fail = new int[names.size()];
    for (Op o : ops) {
      if (o.servedBy() < 0) {
        continue;
      }
      switch (o.type()) {
        case Op.OK -> by.get(o.servedBy()).add(o);
        case Op.INFO -> info[o.servedBy()]++;
        default -> fail[o.servedBy()]++;
      }
    }
    List<Instance> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      List<Op> ok = by.get(i);
      long[] lat = new long[ok.size()];
      for (int k = 0; k < lat.length; k++) {
        lat[k] = ok.get(k).latency();
      }
      Op[] first = new Op[2];
      int violations = orderViolations(ok, first);
      out.add(
          new Instance(
              names.get(i),
              quantiles(lat, lat.length),
              info[i],
              fail[i],
              violations,
              first[0],
              first[1]));
    }
    return out;
  }

  /**
   * Counts the requests whose ID is not above every ID answered before they were sent (by real
   * time: what one instance issued must strictly increase, whatever ran concurrently). The first
   * such request, by send time, goes in {@code first[0]}, the ID it fell below in {@code first[1]}.
   */
  static int orderViolations(List<Op> ops, Op[] first) {
    List<Op> bySend = new ArrayList<>(ops);
    bySend.sort(Comparator.comparingLong(o -> o.invokeAt));
    List<Op> byDone = new ArrayList<>(ops);
    byDone.sort(Comparator.comparingLong(Op::completeAt));
    int done = 0;
    Op max = null;
    int violations = 0;
    for (Op b : bySend) {
      while (done < byDone.size() && byDone.get(done).completeAt() < b.invokeAt) {
        Op a = byDone.get(done++);
        if (max == null || IdOrder.compare(a.value(), max.value()) > 0) {
          max = a;
        }
      }
      if (max != null && IdOrder.compare(b.value(), max.value()) <= 0) {
        if (violations++ == 0) {
          first[0] = b;
          first[1] = max;
        }
      }
    }
    return violations;
  }

  /** Latency quantiles of {@code okOps}, split by whether they overlap a fault period. */
  static Latency latency(List<Op> okOps, List<Period> periods) {
    long[][] union = union(periods);
    long[] all = new long[okOps.size()];
    long[] during = new long[okOps.size()];
    long[] outside = new long[okOps.size()];
    int nd = 0;
    int no = 0;
    for (int i = 0; i < okOps.size(); i++) {
      Op o = okOps.get(i);
      all[i] = o.latency();
      if (overlaps(union, o.invokeAt, o.completeAt())) {
        during[nd++] = all[i];
      } else {
        outside[no++] = all[i];
      }
    }
    return new Latency(quantiles(all, all.length), quantiles(during, nd), quantiles(outside, no));
  }

  /** Why the run is not valid, in plain words, the most serious first. */
  private static List<String> reasons(
      Inputs in, Ids ids, Validity availability, double okFraction, Validity stats) {
    List<String> reasons = new ArrayList<>();
    if (in.net().failure() != null) {
      reasons.add(in.net().failure() + ", so the run cannot judge the service");
    }
    for (Cluster.InitFailure f : in.cluster().initFailures()) {
      reasons.add(f.node() + (f.restart() ? " (after a restart) " : " ") + f.reason());
    }
    for (Cluster.Crash c : in.cluster().crashes()) {
      reasons.add(c.node() + " crashed on its own (exit status " + c.exitCode() + ")");
    }
    if (ids.valid() == Validity.FALSE) {
      Map.Entry<Object, Integer> top = ids.duplicated().get(0);
      reasons.add(
          ids.duplicatedCount()
              + (ids.duplicatedCount() == 1 ? " ID was" : " IDs were")
              + " acknowledged more than once (e.g. "
              + Json.toJson(top.getKey())
              + " ×"
              + top.getValue()
              + ")");
    }
    long violations = in.net().violationCount();
    if (violations > 0) {
      Violation v = in.net().violations().get(0);
      reasons.add(
          violations
              + " protocol violation"
              + (violations == 1 ? "" : "s")
              + " (first: "
              + v.node()
              + " "
              + v.message()
              + ")");
    }
    if (availability == Validity.FALSE) {
      Double required = in.config().availability();
      reasons.add(
          "availability "
              + Text.fraction(okFraction)
              + " is below the required "
              + (required == 1.0 ? "total (1)" : Text.fraction(required)));
    }
    if (stats == Validity.FALSE) {
      reasons.add("no generate operation succeeded");
    }
    if (stats == Validity.UNKNOWN) {
      reasons.add(
          "no operation was attempted (--rate 0), and Jepsen's stats checker cannot judge an"
              + " empty history, so Maelstrom's verdict is unknown too");
    }
    if (ids.valid() == Validity.UNKNOWN) {
      reasons.add(ids.error());
    }
    return List.copyOf(reasons);
  }

  /** Counts of operations by outcome for the JSON stats section. */
  public static Map<String, Object> counts(int count, int ok, int info, int fail) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("ok_count", ok);
    m.put("fail_count", fail);
    m.put("info_count", info);
    return m;
  }
}
