package dev.idmint.serve;

import java.util.Locale;

/**
 * Content negotiation for ID responses: JSON unless {@code Accept} prefers {@code text/plain} (one
 * ID per line). Quality values and the specificity rule of RFC 9110 apply; a tie goes to JSON.
 */
enum Media {
  JSON,
  TEXT;

  /** The media type to answer with, or null if {@code accept} allows neither (406). */
  static Media negotiate(String accept) {
    if (accept == null || accept.isEmpty() || accept.equals("*/*")) {
      return JSON; // the common cases, without parsing
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

  private static double qValue(String[] params) {
    for (int i = 1; i < params.length; i++) {
      String p = params[i].trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).trim());
          return q >= 0 && q <= 1 ? q : 1;
        } catch (NumberFormatException e) {
          return 1; // a malformed weight: take the range at face value
        }
      }
    }
    return 1;
  }
}
