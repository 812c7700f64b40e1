package dev.idmint.id;

/** An issued ID. Immutable. */
public sealed interface Id permits CounterId, SnowflakeId {
  Scheme scheme();

  /**
   * Decodes an ID as printed by {@link #toString()}: {@code <node>-<n>} is a counter ID, a decimal
   * number a snowflake.
   */
  static Id parse(String text) {
    int dash = text.lastIndexOf('-');
    if (dash > 0) {
      return new CounterId(text.substring(0, dash), Long.parseLong(text.substring(dash + 1)));
    }
    return new SnowflakeId(Long.parseLong(text));
  }
}
