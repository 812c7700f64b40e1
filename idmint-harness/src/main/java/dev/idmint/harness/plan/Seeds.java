package dev.idmint.harness.plan;

/**
 * The run's random streams, each derived from {@code --seed} and a purpose, so that adding a fault
 * or a sender does not move the others.
 */
public final class Seeds {
  private Seeds() {}

  /** Salts the per-sender draw streams apart from the request plan's and the nemesis's. */
  private static final long DRAW_SALT = 1L << 32;

  /** The request plan (Jepsen's stagger). */
  public static long requests(long seed) {
    return mix(seed, 0);
  }

  /** The nemesis schedule, which splits it further per fault. */
  public static long nemesis(long seed) {
    return mix(seed, 100);
  }

  /** Loss and latency draws of sender {@code index} (a node, or an HTTP instance's proxy). */
  public static long sender(long seed, int index) {
    return mix(seed, DRAW_SALT + index);
  }

  /** The choices of Maelstrom's service {@code index}. */
  public static long service(long seed, int index) {
    return mix(seed, 2 * DRAW_SALT + index);
  }

  /** An independent stream per purpose (SplitMix64's finaliser). */
  static long mix(long seed, long salt) {
    long z = seed + salt * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
