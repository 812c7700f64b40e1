package dev.idmint.id;

/**
 * An issued ID. Immutable. IDs of one scheme are ordered as each record says: snowflake IDs by
 * value, HLC IDs by pt, lc and node, counter IDs by n and node; comparing IDs of different schemes
 * throws {@link ClassCastException}, as {@link Comparable} does for types that do not compare.
 */
public sealed interface Id extends Comparable<Id> permits CounterId, SnowflakeId, HlcId {
  Scheme scheme();

  /**
   * Decodes an ID as printed by {@code toString()}: a decimal number is a snowflake ID, {@code
   * <pt>_<lc>_<node>} an HLC ID, {@code <node>-<n>} a counter ID (the node is everything before the
   * last {@code -}). Text that reads both ways, such as {@code 5_3_x-7}, is taken as HLC; where the
   * scheme is known, {@link HlcId#parse} and the records' constructors say more precisely what is
   * wrong.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  static Id parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty ID");
    }
    if (isDigits(text, 0)) {
      return new SnowflakeId(number(text, 0, text));
    }
    int underscore = text.indexOf('_');
    if (underscore > 0 && isDigits(text.substring(0, underscore), 0)) {
      try {
        return HlcId.parse(text);
      } catch (IllegalArgumentException notHlc) {
        try {
          return counter(text);
        } catch (IllegalArgumentException notCounter) {
          throw notHlc; // it looked like HLC first
        }
      }
    }
    return counter(text);
  }

  private static CounterId counter(String text) {
    int dash = text.lastIndexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not an ID: expected a snowflake number, <pt>_<lc>_<node> or <node>-<n>");
    }
    if (dash == 0) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not an ID: "
              + (isDigits(text, 1)
                  ? "negative numbers are never IDs"
                  : "the node before '-' is empty"));
    }
    if (dash == text.length() - 1) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a counter ID: no number after the last '-'");
    }
    if (!isDigits(text, dash + 1)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a counter ID: '"
              + text.substring(dash + 1)
              + "' after the last '-' is not a number");
    }
    return new CounterId(text.substring(0, dash), number(text, dash + 1, text));
  }

  private static boolean isDigits(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * The decimal number at {@code from}: canonical (no leading zeros) and at most Long.MAX_VALUE.
   */
  private static long number(String s, int from, String text) {
    if (s.charAt(from) == '0' && s.length() - from > 1) {
      // IDs are compared as printed: "n1-007" is not "n1-7", so it is no ID we ever issued.
      throw new IllegalArgumentException(
          "'" + text + "' is not an ID: the number has leading zeros");
    }
    try {
      return Long.parseLong(s, from, s.length(), 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an ID: the number is larger than " + Long.MAX_VALUE, e);
    }
  }
}
