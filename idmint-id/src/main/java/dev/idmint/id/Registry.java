package dev.idmint.id;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Who holds each worker (snowflake) or node (counter, HLC), and the high-water mark that travels
 * with it: the lease (snowflake, HLC: no ID has a later time) or the reserved counter value (no n
 * issued is at or above it). A generator issues nothing its claim has not committed, and a new
 * holder starts past the last committed mark, so two holders of one worker in turn never issue the
 * same ID, however long the first was paused.
 *
 * <p>{@link #stateDir(Path)} is the local implementation: a state file per worker or node, owned
 * through an OS lock. {@code idmint-etcd} keeps both in etcd.
 */
public interface Registry {
  /**
   * Claims a worker or node for one generator.
   *
   * @param scheme the generator's scheme: snowflake claims are keyed by worker, counter and HLC
   *     claims by node
   * @param node the node id, part of counter and HLC IDs
   * @param worker the snowflake worker wanted, 0 to 1023, or -1 to let the registry choose (a
   *     registry that cannot choose throws {@link IllegalArgumentException}); -1 for counter and
   *     HLC
   * @throws IdStateException if it is held elsewhere, or the registry cannot be read; nothing was
   *     claimed
   */
  Claim claim(Scheme scheme, String node, int worker);

  /** The registry that keeps state files in {@code dir}, created if need be. */
  static Registry stateDir(Path dir) {
    return new StateDir(Objects.requireNonNull(dir, "dir"));
  }

  /** One generator's hold on a worker or node, until {@link #close()}. */
  interface Claim extends AutoCloseable {
    /** The snowflake worker held, or -1 for a claim keyed by node. */
    int worker();

    /** Where the mark is kept, for messages: a file's path, or a registry's URL and key. */
    String where();

    /** The mark the last holder committed, read when claimed; empty if there was none. */
    OptionalLong committed();

    /**
     * Durably commits a new mark, only while this claim still holds the worker or node; the
     * generator issues nothing past it before this returns.
     *
     * @throws IdStateException if it could not be committed, or the claim was lost
     */
    void commit(long mark);

    /** Gives up the claim; committing afterwards fails. */
    @Override
    void close();
  }
}
