package dev.idmint.id;

/** Durations for log lines: {@code 12 ms}, {@code 1.5 s}, {@code 2 h 3 min 4.005 s}. */
final class Millis {
  private Millis() {}

  static String format(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    StringBuilder sb = new StringBuilder();
    long h = ms / 3_600_000;
    long min = ms / 60_000 % 60;
    if (h > 0) {
      sb.append(h).append(" h ");
    }
    if (h > 0 || min > 0) {
      sb.append(min).append(" min ");
    }
    long s = ms / 1000 % 60;
    long frac = ms % 1000;
    sb.append(s);
    if (frac != 0) {
      String f = String.format("%03d", frac);
      sb.append('.').append(f.replaceAll("0+$", ""));
    }
    return sb.append(" s").toString();
  }
}
