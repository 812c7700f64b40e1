package dev.idmint.serve;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Content negotiation for ID responses: JSON unless {@code Accept} prefers {@code text/plain} (one
 * ID per line). Quality values and the specificity rule of RFC 9110 apply; a tie goes to JSON. An
 * {@code Accept} with a malformed quality value is ignored as a whole (JSON): reading it some other
 * way, say as q=1, would turn a range the client meant to refuse into its first choice.
 */
enum Media {
  JSON,
  TEXT;

  /** The media type to answer with, or null if {@code accept} allows neither (406). */
  static Media negotiate(String accept) {
    if (accept == null || accept.isEmpty() || accept.equals("*/*") || !wellFormedWeights(accept)) {
      return JSON; // the common cases, without parsing; or an Accept that cannot be trusted
    }
    double json = quality(accept, "application", "json");
    double text = quality(accept, "text", "plain");
    if (json <= 0 && text <= 0) {
      return null;
    }
    return text > json ? TEXT : JSON;
  }

  /** The quality {@code accept} gives {@code type/subtype}: that of its most specific range. */
  static double quality(String accept, String type, String subtype) {
    double q = 0;
    int best = -1; // specificity of the range q came from: 0 */*, 1 type/*, 2 type/subtype
    for (String range : accept.split(",")) {
      String[] parts = range.split(";", -1); // -1: ";" alone is one empty range, not none
      String media = parts[0].trim().toLowerCase(Locale.ROOT);
      int slash = media.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String t = media.substring(0, slash).trim();
      String s = media.substring(slash + 1).trim();
      int specificity;
      if (t.equals("*") && s.equals("*")) {
        specificity = 0;
      } else if (t.equals(type) && s.equals("*")) {
        specificity = 1;
      } else if (t.equals(type) && s.equals(subtype)) {
        specificity = 2;
      } else {
        continue;
      }
      if (specificity > best) {
        best = specificity;
        q = qValue(parts);
      }
    }
    return q;
  }

  /** RFC 9110's weight: {@code 0} to {@code 1} with at most three decimals. */
  private static final Pattern WEIGHT = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");

  private static boolean isWeight(String p) {
    return p.length() >= 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=';
  }

  /** Whether every {@code q=} in {@code accept} is a weight as RFC 9110 spells it. */
  static boolean wellFormedWeights(String accept) {
    for (String range : accept.split(",")) {
      String[] params = range.split(";", -1);
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim();
        if (isWeight(p) && !WEIGHT.matcher(p.substring(2)).matches()) {
          return false;
        }
      }
    }
    return true;
  }

  private static double qValue(String[] params) {
    for (int i = 1; i < params.length; i++) {
      String p = params[i].trim();
      if (isWeight(p)) {
        return Double.parseDouble(p.substring(2)); // checked by wellFormedWeights
      }
    }
    return 1;
  }
}
