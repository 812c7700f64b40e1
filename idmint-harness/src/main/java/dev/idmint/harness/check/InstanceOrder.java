package dev.idmint.harness.check;

import dev.idmint.harness.run.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per HTTP instance, the requests it answered, and whether its IDs strictly increase in the order
 * it issued them: reported, not judged.
 */
final class InstanceOrder {
  private InstanceOrder() {}

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
              Quantiles.of(lat, lat.length),
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
}
