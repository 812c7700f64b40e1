package dev.idmint.id;

/** Issues unique IDs. Thread-safe. */
public interface IdGenerator {
  Scheme scheme();

  /**
   * The next ID's number, without allocating: n for {@link Scheme#COUNTER}, the 64-bit value for
   * {@link Scheme#SNOWFLAKE}. Strictly increasing on each generator.
   *
   * @throws IdStateException if durable state had to be renewed and could not be; no ID was issued
   */
  long nextLong();

  /** The next ID as a value. */
  Id next();
}
