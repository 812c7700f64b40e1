package dev.idmint.harness.check;

import dev.idmint.harness.config.Fault;
import dev.idmint.harness.run.Nemesis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A stretch of time while a fault was in effect (nanoTime bounds), with what it was. */
public record Period(Fault fault, long start, long end, String label) {
  /** Fault periods from the nemesis timeline: each start until its stop took effect. */
  static List<Period> of(List<Nemesis.Entry> timeline, long end) {
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
}
