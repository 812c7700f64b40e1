package dev.idmint.harness.config;

import java.util.Locale;
import java.util.random.RandomGenerator;

/** How node-to-node latency is drawn around its mean (Maelstrom's {@code --latency-dist}). */
public enum LatencyDist {
  /** Always the mean. */
  CONSTANT,
  /** Uniform between 0 and twice the mean. */
  UNIFORM,
  /** Exponential with the given mean. */
  EXPONENTIAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code constant}, {@code uniform} or {@code exponential}. */
  public static LatencyDist parse(String name) {
    for (LatencyDist d : values()) {
      if (d.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown --latency-dist '" + name + "' (expected constant, uniform or exponential)");
  }

  /** One latency in nanoseconds. */
  public long draw(RandomGenerator r, long meanNanos) {
    if (meanNanos <= 0) {
      return 0;
    }
    return switch (this) {
      case CONSTANT -> meanNanos;
      case UNIFORM -> (long) (r.nextDouble() * 2 * meanNanos);
      case EXPONENTIAL -> (long) (-Math.log(1.0 - r.nextDouble()) * meanNanos);
    };
  }
}
