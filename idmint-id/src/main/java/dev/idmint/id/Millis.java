package dev.idmint.id;

/**
 * Durations for log lines: {@code 12 ms}, {@code 1.5 s}, {@code 2 h 3 min}, {@code 3 d 4 h 0.001
 * s}.
 */
final class Millis {
  private Millis() {}

  static String format(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    StringBuilder sb = new StringBuilder();
    append(sb, ms / 86_400_000, "d");
    append(sb, ms / 3_600_000 % 24, "h");
    append(sb, ms / 60_000 % 60, "min");
    long s = ms / 1000 % 60;
    long frac = ms % 1000;
    if (s != 0 || frac != 0) {
      sb.append(sb.length() == 0 ? "" : " ").append(s);
      if (frac != 0) {
        sb.append('.').append(String.format("%03d", frac).replaceAll("0+$", ""));
      }
      sb.append(" s");
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, long n, String unit) {
    if (n != 0) {
      sb.append(sb.length() == 0 ? "" : " ").append(n).append(' ').append(unit);
    }
  }
}
