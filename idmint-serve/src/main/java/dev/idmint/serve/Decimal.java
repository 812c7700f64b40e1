package dev.idmint.serve;

/** Writes non-negative longs as ASCII digits into a byte array, two digits at a time. */
final class Decimal {
  /** The most digits a non-negative long has. */
  static final int MAX_DIGITS = 19;

  private static final byte[] PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  private Decimal() {}

  /** Writes {@code v} (at least 0) at {@code at}; returns the position after the last digit. */
  static int write(long v, byte[] dst, int at) {
    int end = at + digits(v);
    int p = end;
    while (v >= 100) {
      int pair = (int) (v % 100) * 2;
      v /= 100;
      dst[--p] = PAIRS[pair + 1];
      dst[--p] = PAIRS[pair];
    }
    if (v >= 10) {
      int pair = (int) v * 2;
      dst[--p] = PAIRS[pair + 1];
      dst[--p] = PAIRS[pair];
    } else {
      dst[--p] = (byte) ('0' + v);
    }
    return end;
  }

  /** How many digits {@code v} (at least 0) has. */
  static int digits(long v) {
    long p = 10;
    for (int d = 1; d < MAX_DIGITS; d++) {
      if (v < p) {
        return d;
      }
      p *= 10;
    }
    return MAX_DIGITS;
  }
}
