package dev.idmint.harness.maelstrom;

/**
 * Maelstrom's names: nodes {@code n<k>} and clients {@code c<k>}, known only in their canonical
 * form ({@code n04} is nobody).
 */
final class NodeNames {
  private NodeNames() {}

  /** The index of node {@code id} among {@code count} nodes named from {@code first}; else -1. */
  static int node(String id, int first, int count) {
    long v = number(id, 'n') - first;
    return v >= 0 && v < count ? (int) v : -1;
  }

  /**
   * The number in {@code <prefix><number>} if below {@code bound}, written without leading zeros;
   * else -1.
   */
  static int index(String id, char prefix, int bound) {
    long v = number(id, prefix);
    return v >= 0 && v < bound ? (int) v : -1;
  }

  /** The number in {@code <prefix><number>}, written without leading zeros; else -1. */
  private static long number(String id, char prefix) {
    int n = id.length();
    if (n < 2 || n > 10 || id.charAt(0) != prefix || (n > 2 && id.charAt(1) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 1; i < n; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
