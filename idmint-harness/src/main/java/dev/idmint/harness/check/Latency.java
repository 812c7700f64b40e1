package dev.idmint.harness.check;

import dev.idmint.harness.run.Op;
import java.util.List;

/** Latency quantiles of ok operations: all, those overlapping a fault period, the others. */
public record Latency(Quantiles all, Quantiles duringFaults, Quantiles outsideFaults) {
  /** Latency quantiles of {@code okOps}, split by whether they overlap a fault period. */
  static Latency of(List<Op> okOps, List<Period> periods) {
    long[][] union = Period.union(periods);
    long[] all = new long[okOps.size()];
    long[] during = new long[okOps.size()];
    long[] outside = new long[okOps.size()];
    int nd = 0;
    int no = 0;
    for (int i = 0; i < okOps.size(); i++) {
      Op o = okOps.get(i);
      all[i] = o.latency();
      if (Period.overlaps(union, o.invokeAt, o.completeAt())) {
        during[nd++] = all[i];
      } else {
        outside[no++] = all[i];
      }
    }
    return new Latency(
        Quantiles.of(all, all.length), Quantiles.of(during, nd), Quantiles.of(outside, no));
  }
}
