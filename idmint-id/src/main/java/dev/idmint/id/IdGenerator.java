package dev.idmint.id;

/**
 * Issues unique IDs. Thread-safe. Made by {@link IdFactory}; {@link #close()} gives up its worker
 * or node.
 */
public sealed interface IdGenerator extends AutoCloseable
    permits CounterGenerator, SnowflakeGenerator, HlcGenerator {
  Scheme scheme();

  /**
   * The next ID's number, without allocating: n for {@link Scheme#COUNTER}, the 64-bit value for
   * {@link Scheme#SNOWFLAKE}, the packed timestamp {@code pt << 18 | lc} for {@link Scheme#HLC}
   * (the node is the same in every ID). Strictly increasing on each generator, and across restarts
   * when it keeps durable state.
   *
   * <p>Snowflake and HLC IDs never run further ahead of the wall clock than the max lead because of
   * demand: past it, the caller waits for the clock, at most {@link IdFactory.Builder#maxWait}.
   *
   * @throws IdStateException if durable state had to be renewed and could not be, the scheme's
   *     numbers are exhausted, or the generator is closed; no ID was issued
   * @throws LeadBoundException if the ID needs the clock to move on for longer than the caller may
   *     wait; no ID was issued
   * @throws RenewalPendingException with a max wait of zero and a renewal executor, if the lease
   *     runs out here and its renewal is under way on the executor; no ID was issued
   */
  long nextLong();

  /** The next ID as a value; throws as {@link #nextLong()} does. */
  Id next();

  /**
   * Issues {@code count} IDs at once into {@code into[from]} to {@code into[from + count - 1]}, as
   * {@link #nextLong()} gives them: strictly increasing, and above every ID issued before. One
   * clock reading and one atomic step cover the lot, so a batch costs little more than one ID; a
   * batch larger than a millisecond's sequence runs the clock ahead as a burst of single IDs would.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code into}
   * @throws IdStateException as {@link #nextLong()} does; then no ID of the batch was issued
   * @throws LeadBoundException as {@link #nextLong()} does; then no ID of the batch was issued
   * @throws RenewalPendingException as {@link #nextLong()} does; then no ID of the batch was issued
   */
  void nextLongs(long[] into, int from, int count);

  /**
   * Orders this generator after an ID seen elsewhere: every ID it issues from now on is greater
   * than {@code seen}, without any coordination. For {@link Scheme#HLC} this is the HLC receive
   * rule (the next timestamp is above both the clock's and the one seen). For {@link
   * Scheme#SNOWFLAKE} the logical clock moves past the time in {@code seen}, so 64-bit IDs get
   * causal order too. For {@link Scheme#COUNTER}, n moves past the n seen: a Lamport clock, with
   * counter IDs ordered by n, then node.
   *
   * <p>One bogus ID must not push a generator far into the future, so a time further ahead of the
   * wall clock than {@link IdFactory.Builder#maxObservedLead} (by default the max lead, 10 s) is
   * refused. Counters have no time and no such bound.
   *
   * @throws IllegalArgumentException if {@code seen} is an ID of another scheme
   * @throws ObservedAheadException if its time is too far ahead of the wall clock; nothing changed
   */
  void observe(Id seen);

  /**
   * {@link #observe(Id)} for a number as {@link #nextLong()} gives them, from this generator or
   * another of the same scheme: for HLC, an HLC timestamp packed by {@link HlcId#pack}.
   *
   * @throws IllegalArgumentException if {@code seen} is no such number
   * @throws ObservedAheadException as {@link #observe(Id)} does
   */
  void observe(long seen);

  /** The logical clock's drift from the wall clock so far. */
  ClockStats clockStats();

  /**
   * Writes the durable state now (the lease or reserved value in force, or a renewed one): a real
   * write, for a readiness probe, after which renewals ahead of need resume if they had failed.
   * Does nothing without durable state.
   *
   * @throws IdStateException if it cannot be written
   */
  void writeState();

  /**
   * Gives up the worker or node (with a state dir, its lock), so that another generator may take
   * it; after this, no ID is issued. Every ID issued before is covered by the state committed, so
   * the next holder's IDs are all greater.
   */
  @Override
  void close();
}
