package dev.idmint.node;

import dev.idmint.id.Id;
import dev.idmint.protocol.IdValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code verify_ids}: how many IDs, how many distinct, whether they are in non-decreasing order,
 * and which repeat.
 *
 * <ul>
 *   <li>Numbers are equal and ordered by value ({@code 10}, {@code 10.0} and {@code 1e1} are one
 *       ID); strings by their text. A number and a string are never equal.
 *   <li>Two strings that are IDs of one scheme compare as IDs ({@code "n1-9"} before {@code
 *       "n1-10"}, {@code "5_9_n1"} before {@code "5_10_n1"}); other strings compare as text.
 *   <li>Numbers sort before strings.
 *   <li>Each repeated ID is listed once, as it first appeared, in order of first appearance.
 * </ul>
 */
final class IdCheck {
  /** What {@code verify_ids} answers. */
  record Result(int count, int unique, boolean sorted, List<IdValue> duplicates) {}

  private IdCheck() {}

  /**
   * @throws IllegalArgumentException if a number is beyond what BigDecimal holds, saying which
   */
  static Result verify(List<IdValue> ids) {
    int n = ids.size();
    Object[] keys = new Object[n];
    for (int k = 0; k < n; k++) {
      keys[k] = key(ids.get(k), k);
    }
    Map<Object, int[]> seen = new LinkedHashMap<>(); // key -> {first index, occurrences}
    for (int k = 0; k < n; k++) {
      int[] entry = seen.get(keys[k]);
      if (entry == null) {
        seen.put(keys[k], new int[] {k, 1});
      } else {
        entry[1]++;
      }
    }
    List<IdValue> duplicates = new ArrayList<>();
    for (int[] entry : seen.values()) {
      if (entry[1] > 1) {
        duplicates.add(ids.get(entry[0]));
      }
    }
    boolean sorted = true;
    for (int k = 1; k < n && sorted; k++) {
      sorted = compare(keys[k - 1], keys[k]) <= 0;
    }
    return new Result(n, seen.size(), sorted, duplicates);
  }

  /** A BigDecimal without trailing zeros for a number; the ID, or the text, for a string. */
  private static Object key(IdValue v, int index) {
    if (!v.number()) {
      try {
        return Id.parse(v.text());
      } catch (IllegalArgumentException e) {
        return v.text();
      }
    }
    try {
      return new BigDecimal(v.text()).stripTrailingZeros();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "ids[" + index + "] is a number beyond what this node compares: " + v.text());
    }
  }

  private static int compare(Object a, Object b) {
    if (a instanceof BigDecimal x) {
      return b instanceof BigDecimal y ? x.compareTo(y) : -1;
    }
    if (b instanceof BigDecimal) {
      return 1;
    }
    if (a instanceof Id x && b instanceof Id y && x.scheme() == y.scheme()) {
      return x.compareTo(y);
    }
    return a.toString().compareTo(b.toString()); // as text: an ID's toString is its text
  }
}
