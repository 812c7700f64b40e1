package dev.idmint.id;

/** Issues unique IDs. Thread-safe. Made by {@link IdFactory}. */
public sealed interface IdGenerator permits CounterGenerator, SnowflakeGenerator {
  Scheme scheme();

  /**
   * The next ID's number, without allocating: n for {@link Scheme#COUNTER}, the 64-bit value for
   * {@link Scheme#SNOWFLAKE}. Strictly increasing on each generator, and across restarts when it
   * keeps durable state.
   *
   * @throws IdStateException if durable state had to be renewed and could not be, or the scheme's
   *     numbers are exhausted; no ID was issued
   */
  long nextLong();

  /** The next ID as a value; throws as {@link #nextLong()} does. */
  Id next();

  /** The logical clock's drift from the wall clock so far. */
  ClockStats clockStats();
}
