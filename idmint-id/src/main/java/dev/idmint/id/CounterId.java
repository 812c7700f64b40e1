package dev.idmint.id;

/**
 * A counter-scheme ID, {@code <node>-<n>}. Ordered by n, then node: the order of Lamport
 * timestamps, which is what {@link IdGenerator#observe(Id)} keeps for counters.
 */
public record CounterId(String node, long n) implements Id {
  /**
   * @throws IllegalArgumentException if {@code node} is empty or {@code n} negative
   */
  public CounterId {
    if (node == null || node.isEmpty()) {
      throw new IllegalArgumentException(
          "counter ID needs a node, got " + (node == null ? "null" : "''"));
    }
    if (n < 0) {
      throw new IllegalArgumentException("counter ID numbers are never negative, got " + n);
    }
  }

  @Override
  public Scheme scheme() {
    return Scheme.COUNTER;
  }

  /** By n, then node. */
  @Override
  public int compareTo(Id other) {
    if (!(other instanceof CounterId c)) {
      throw IdFactory.incomparable(this, other);
    }
    int byN = Long.compare(n, c.n);
    return byN != 0 ? byN : node.compareTo(c.node);
  }

  @Override
  public String toString() {
    return node + "-" + n;
  }
}
