package dev.idmint.harness.report;

import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.run.Op;

/**
 * Completions per second by outcome, over buckets of the run: half a second for a run of up to 30
 * s, a second up to 300 s, and 300 buckets beyond. A run seldom ends on a bucket's edge: the last
 * bucket ends with the run, and a stretch left over shorter than half a bucket joins it rather than
 * make a bucket of its own, where a sliver of a few milliseconds would turn its few completions
 * into a rate many times the real one.
 *
 * @param perSecond completions per second, by op type, then by bucket
 * @param edges each bucket's start in seconds from the load's start, then the last one's end
 */
record Rates(double[][] perSecond, double[] edges) {
  static Rates of(Inputs in, double tMax) {
    double bucket = tMax <= 30 ? 0.5 : tMax <= 300 ? 1 : tMax / 300;
    int nb = Math.max(1, (int) Math.round(tMax / bucket));
    double[] edges = new double[nb + 1];
    for (int b = 0; b < nb; b++) {
      edges[b] = b * bucket;
    }
    edges[nb] = tMax;
    double[][] rate = new double[4][nb];
    for (Op op : in.ops()) {
      double t = (op.completeAt() - in.t0()) / 1e9;
      rate[op.type()][(int) Math.min(nb - 1, Math.max(0, t / bucket))] += 1;
    }
    for (double[] series : rate) {
      for (int b = 0; b < nb; b++) {
        series[b] /= edges[b + 1] - edges[b];
      }
    }
    return new Rates(rate, edges);
  }

  /** The middle of bucket {@code b}, in seconds, where its point goes. */
  double middle(int b) {
    return (edges[b] + edges[b + 1]) / 2;
  }

  /** The highest rate of ok, info or fail completions. */
  double max() {
    double max = 0;
    for (int t = Op.OK; t <= Op.FAIL; t++) {
      for (double v : perSecond[t]) {
        max = Math.max(max, v);
      }
    }
    return max;
  }
}
