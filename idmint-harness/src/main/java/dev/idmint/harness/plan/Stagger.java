package dev.idmint.harness.plan;

import java.util.SplittableRandom;

/**
 * Jepsen's {@code gen/stagger}: gaps between operations drawn uniformly from {@code [0, 2/rate)},
 * so that {@code rate} operations a second go out over all workers. Seeded, so a run can be
 * repeated.
 */
public final class Stagger {
  private final SplittableRandom random;
  private final double maxGapNanos;

  public Stagger(long seed, double rate) {
    this.random = new SplittableRandom(seed);
    this.maxGapNanos = 2e9 / rate;
  }

  public long nextGapNanos() {
    return (long) (random.nextDouble() * maxGapNanos);
  }
}
