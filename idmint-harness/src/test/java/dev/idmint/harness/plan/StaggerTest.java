package dev.idmint.harness.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StaggerTest {
  private static long[] gaps(long seed, double rate, int n) {
    Stagger s = new Stagger(seed, rate);
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      g[i] = s.nextGapNanos();
    }
    return g;
  }

  @Test
  void stagger_withSameSeed_plansTheSameTimes() {
    assertEquals(
        java.util.Arrays.toString(gaps(9, 1000, 1000)),
        java.util.Arrays.toString(gaps(9, 1000, 1000)));
    assertNotEquals(
        java.util.Arrays.toString(gaps(9, 1000, 1000)),
        java.util.Arrays.toString(gaps(10, 1000, 1000)));
  }

  @Test
  void stagger_gapsAreUniformUpToTwiceTheMean() {
    double rate = 5000;
    long[] g = gaps(1, rate, 200_000);
    double sum = 0;
    long max = 0;
    for (long x : g) {
      assertTrue(x >= 0 && x < 2e9 / rate);
      sum += x;
      max = Math.max(max, x);
    }
    double mean = sum / g.length;
    assertEquals(1e9 / rate, mean, 1e9 / rate * 0.01, "mean gap gives the asked rate");
    assertTrue(max > 0.99 * 2e9 / rate);
  }
}
