package dev.idmint.id;

/** A counter-scheme ID, {@code <node>-<n>}. */
public record CounterId(String node, long n) implements Id {
  @Override
  public Scheme scheme() {
    return Scheme.COUNTER;
  }

  @Override
  public String toString() {
    return node + "-" + n;
  }
}
