package dev.idmint.id;

import java.time.Instant;

/**
 * A hybrid-logical-clock ID, {@code <pt>_<lc>_<node>}: {@code pt} is a physical time in ms since
 * 1970 (the wall clock's, or later when IDs run ahead of it), {@code lc} the logical counter that
 * orders IDs within one pt, {@code node} the id of the node that issued it.
 *
 * <p>HLC IDs are ordered by pt, then lc, then node: an ID issued after observing another ({@link
 * IdGenerator#observe(Id)}) is greater than it. The timestamp (pt, lc) fits one long, {@code pt <<
 * 18 | lc} ({@link #packed()}), which is what an HLC generator's {@code nextLong()} returns.
 *
 * @param pt 0 to {@link #MAX_PT}
 * @param lc 0 to {@link #MAX_LC}
 * @param node not empty
 */
public record HlcId(long pt, long lc, String node) implements Id {
  /** The logical counter's bits in {@link #packed()}. */
  public static final int LC_BITS = 18;

  /** The largest logical counter, 262,143; beyond it the clock moves on to the next pt. */
  public static final long MAX_LC = (1L << LC_BITS) - 1;

  /** The largest physical time, 2^44 - 1 ms since 1970 (2527-06-23T06:20:44.415Z). */
  public static final long MAX_PT = (1L << 44) - 1;

  /**
   * @throws IllegalArgumentException if a field is out of range or the node is empty
   */
  public HlcId {
    checkTimestamp(pt, lc);
    if (node == null || node.isEmpty()) {
      throw new IllegalArgumentException(
          "HLC ID needs a node, got " + (node == null ? "null" : "''"));
    }
  }

  /**
   * The timestamp (pt, lc) as one long, {@code pt << 18 | lc}: ordered as the timestamps are.
   *
   * @throws IllegalArgumentException if pt or lc is out of range
   */
  public static long pack(long pt, long lc) {
    checkTimestamp(pt, lc);
    return pt << LC_BITS | lc;
  }

  /** The ID of {@code node} for a packed timestamp, as {@link #pack} makes them. */
  public static HlcId unpack(long packed, String node) {
    if (packed < 0 || packed > pack(MAX_PT, MAX_LC)) {
      throw new IllegalArgumentException("not a packed HLC timestamp: " + packed);
    }
    return new HlcId(packed >>> LC_BITS, packed & MAX_LC, node);
  }

  /**
   * Decodes {@code <pt>_<lc>_<node>} as {@link #toString()} prints it: pt and lc are decimal
   * numbers without leading zeros, the node is everything after the second {@code _}.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static HlcId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty ID");
    }
    int a = text.indexOf('_');
    int b = a < 0 ? -1 : text.indexOf('_', a + 1);
    if (b < 0) {
      throw notHlc(text, "expected <pt>_<lc>_<node>");
    }
    long pt = number(text, 0, a, "pt", MAX_PT);
    long lc = number(text, a + 1, b, "lc", MAX_LC);
    if (b == text.length() - 1) {
      throw notHlc(text, "no node after the second '_'");
    }
    return new HlcId(pt, lc, text.substring(b + 1));
  }

  private static long number(String text, int from, int to, String name, long max) {
    String digits = text.substring(from, to);
    if (digits.isEmpty()) {
      throw notHlc(text, name + " is empty");
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw notHlc(text, name + " '" + digits + "' is not a number");
      }
    }
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      throw notHlc(text, name + " '" + digits + "' has leading zeros");
    }
    long value = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    if (value > max) {
      throw notHlc(text, name + " " + digits + " is larger than " + max + describe(name, max));
    }
    return value;
  }

  private static String describe(String name, long max) {
    return name.equals("pt") ? " (" + Instant.ofEpochMilli(max) + ")" : "";
  }

  private static IllegalArgumentException notHlc(String text, String why) {
    return new IllegalArgumentException("'" + text + "' is not an HLC ID: " + why);
  }

  private static void checkTimestamp(long pt, long lc) {
    if (pt < 0 || pt > MAX_PT) {
      throw new IllegalArgumentException(
          "HLC pt must be 0.." + MAX_PT + describe("pt", MAX_PT) + ", got " + pt);
    }
    if (lc < 0 || lc > MAX_LC) {
      throw new IllegalArgumentException("HLC lc must be 0.." + MAX_LC + ", got " + lc);
    }
  }

  @Override
  public Scheme scheme() {
    return Scheme.HLC;
  }

  /** pt as an instant; after a clock jump back or an observed ID ahead, it may be in the future. */
  public Instant timestamp() {
    return Instant.ofEpochMilli(pt);
  }

  /** The timestamp as one long, {@code pt << 18 | lc}. */
  public long packed() {
    return pt << LC_BITS | lc;
  }

  /** By pt, then lc, then node. */
  @Override
  public int compareTo(Id other) {
    if (!(other instanceof HlcId h)) {
      throw IdFactory.incomparable(this, other);
    }
    int c = Long.compare(packed(), h.packed());
    return c != 0 ? c : node.compareTo(h.node);
  }

  @Override
  public String toString() {
    return pt + "_" + lc + "_" + node;
  }
}
