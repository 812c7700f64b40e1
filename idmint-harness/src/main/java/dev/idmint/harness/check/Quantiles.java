package dev.idmint.harness.check;

import java.util.Arrays;

/** Latency quantiles in milliseconds over {@code count} operations. */
public record Quantiles(int count, double p50, double p95, double p99, double max) {
  static final Quantiles EMPTY = new Quantiles(0, 0, 0, 0, 0);

  /** Nearest-rank quantiles of the first {@code n} durations in nanoseconds. */
  static Quantiles of(long[] nanos, int n) {
    if (n == 0) {
      return EMPTY;
    }
    long[] s = Arrays.copyOf(nanos, n);
    Arrays.sort(s);
    return new Quantiles(n, ms(rank(s, 0.50)), ms(rank(s, 0.95)), ms(rank(s, 0.99)), ms(s[n - 1]));
  }

  private static long rank(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Nanoseconds as milliseconds, to the microsecond. */
  static double ms(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }
}
