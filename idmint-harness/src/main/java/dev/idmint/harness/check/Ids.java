package dev.idmint.harness.check;

import dev.idmint.harness.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Jepsen's unique-ids checker over the acknowledged IDs. */
public record Ids(
    Validity valid,
    int acknowledged,
    int duplicatedCount,
    List<Map.Entry<Object, Integer>> duplicated,
    Object[] range,
    String error) {
  static final int MAX_DUPLICATES_SHOWN = 48;

  /**
   * Duplicates under Clojure equality, and the range under Clojure compare, folded in history order
   * as tesser's range does; a comparison that Clojure would refuse makes the result unknown, as it
   * does in Maelstrom. Duplicates are reported (invalid) even then: they are certain.
   */
  static Ids check(List<Object> acked) {
    Map<Object, Integer> counts = new HashMap<>(acked.size() * 2);
    Map<Object, Integer> firstSeen = new HashMap<>();
    for (int i = 0; i < acked.size(); i++) {
      Object id = acked.get(i);
      if (counts.merge(id, 1, Integer::sum) == 1) {
        firstSeen.put(id, i);
      }
    }
    List<Map.Entry<Object, Integer>> dups = new ArrayList<>();
    for (Map.Entry<Object, Integer> e : counts.entrySet()) {
      if (e.getValue() > 1) {
        dups.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    dups.sort(
        Comparator.<Map.Entry<Object, Integer>>comparingInt(e -> -e.getValue())
            .thenComparingInt(e -> firstSeen.get(e.getKey())));
    Object[] range = null;
    String error = null;
    try {
      for (Object id : acked) {
        if (range == null) {
          range = new Object[] {id, id};
        } else {
          if (Json.compare(id, range[0]) < 0) {
            range[0] = id;
          }
          if (Json.compare(id, range[1]) > 0) {
            range[1] = id;
          }
        }
      }
    } catch (Json.IncomparableException e) {
      range = null;
      error =
          "IDs of different kinds cannot be ordered, e.g. "
              + e.getMessage()
              + "; Maelstrom's checker throws on these (Clojure compare), so the result is unknown";
    }
    Validity v =
        !dups.isEmpty() ? Validity.FALSE : error != null ? Validity.UNKNOWN : Validity.TRUE;
    return new Ids(
        v,
        acked.size(),
        dups.size(),
        List.copyOf(dups.subList(0, Math.min(MAX_DUPLICATES_SHOWN, dups.size()))),
        range,
        error);
  }
}
