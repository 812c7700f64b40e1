package dev.idmint.id;

/** A counter-scheme ID, {@code <node>-<n>}. */
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

  @Override
  public String toString() {
    return node + "-" + n;
  }
}
