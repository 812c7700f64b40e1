package dev.idmint.id;

import java.util.Locale;

/** How IDs are made. */
public enum Scheme {
  /** {@code <node_id>-<n>}, with n counting from 0: a JSON string. */
  COUNTER,
  /**
   * A positive 64-bit long: 41 bits of milliseconds, 10 of worker, 12 of sequence: a JSON integer.
   */
  SNOWFLAKE;

  /** Parses {@code counter} or {@code snowflake}, ignoring case. */
  public static Scheme parse(String name) {
    for (Scheme s : values()) {
      if (s.name().equalsIgnoreCase(name.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scheme '" + name + "' (expected counter or snowflake)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
