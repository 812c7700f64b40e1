package dev.idmint.harness.text;

import java.util.Collection;
import java.util.Locale;
import java.util.StringJoiner;

/** How the harness writes numbers and lists for people: the summary, notices, the report. */
public final class Text {
  private Text() {}

  /** A number without a pointless fraction: 12, 0.25, 1000. */
  public static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** A number with exactly {@code places} decimals. */
  public static String fixed(double v, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", v);
  }

  /** A fraction to four places at most, and at least one: 0.9875, 1.0. */
  public static String fraction(double f) {
    return String.format(Locale.ROOT, "%.4f", f).replaceAll("0+$", "").replaceAll("\\.$", ".0");
  }

  /** Items separated by spaces: {@code n1 n2}. */
  public static String join(Collection<?> c) {
    StringJoiner s = new StringJoiner(" ");
    c.forEach(x -> s.add(String.valueOf(x)));
    return s.toString();
  }

  /** A signed clock jump in the largest fitting unit, e.g. {@code -2.5 s} or {@code +1.9 h}. */
  public static String signedMillis(long ms) {
    String sign = ms < 0 ? "-" : "+";
    double a = Math.abs(ms);
    if (a < 1000) {
      return sign + (long) a + " ms";
    } else if (a < 60_000) {
      return sign + fixed(a / 1000, 1) + " s";
    } else if (a < 3_600_000) {
      return sign + fixed(a / 60_000, 1) + " min";
    }
    return sign + fixed(a / 3_600_000, 1) + " h";
  }

  /** Every line indented by four spaces, as a quoted log tail. */
  public static String indent(String s) {
    return "    " + s.replace("\n", "\n    ");
  }
}
