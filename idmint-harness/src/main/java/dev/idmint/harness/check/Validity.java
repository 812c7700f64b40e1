package dev.idmint.harness.check;

/** Jepsen's three-valued validity; merging keeps the worst (false, then unknown). */
public enum Validity {
  TRUE,
  UNKNOWN,
  FALSE;

  public Validity and(Validity o) {
    return compareTo(o) >= 0 ? this : o;
  }

  /** As results.json writes it. */
  public Object json() {
    return this == UNKNOWN ? "unknown" : this == TRUE;
  }
}
