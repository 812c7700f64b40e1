package dev.idmint.id;

import java.util.Locale;

/** How IDs are made. */
public enum Scheme {
  /** {@code <node_id>-<n>}, with n counting from 0: a JSON string. */
  COUNTER,
  /**
   * A positive 64-bit long: 41 bits of milliseconds, 10 of worker, 12 of sequence: a JSON integer.
   */
  SNOWFLAKE,
  /**
   * {@code <pt>_<lc>_<node>}, a hybrid logical clock's timestamp (ms since 1970 and a logical
   * counter) and the node id: a JSON string, in causal order.
   */
  HLC;

  /** Parses {@code counter}, {@code snowflake} or {@code hlc}, ignoring case. */
  public static Scheme parse(String name) {
    for (Scheme s : values()) {
      if (s.name().equalsIgnoreCase(name.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scheme '" + name + "' (expected counter, snowflake or hlc)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
