package dev.idmint.id;

/** A snowflake-scheme ID: a positive 64-bit long. */
public record SnowflakeId(long value) implements Id {
  @Override
  public Scheme scheme() {
    return Scheme.SNOWFLAKE;
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
