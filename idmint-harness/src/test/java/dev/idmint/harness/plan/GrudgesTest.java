package dev.idmint.harness.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GrudgesTest {
  /** Who each node hears from: everyone but those it drops (itself included). */
  private static Map<Integer, Set<Integer>> hears(Map<Integer, Set<Integer>> grudge, int n) {
    Map<Integer, Set<Integer>> h = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      Set<Integer> s = new HashSet<>(Grudges.range(n));
      s.removeAll(grudge.getOrDefault(i, Set.of()));
      h.put(i, s);
    }
    return h;
  }

  @Test
  void one_isolatesExactlyOneNode_bothWays() {
    for (long seed = 0; seed < 20; seed++) {
      Map<Integer, Set<Integer>> g =
          Grudges.grudge(Grudges.Shape.ONE, 5, new SplittableRandom(seed));
      List<Integer> loners =
          g.entrySet().stream()
              .filter(e -> e.getValue().size() == 4)
              .map(Map.Entry::getKey)
              .toList();
      assertEquals(1, loners.size(), g.toString());
      int loner = loners.get(0);
      for (int i = 0; i < 5; i++) {
        if (i != loner) {
          assertEquals(Set.of(loner), g.get(i));
        }
      }
    }
  }

  @Test
  void minorityThird_splitsOffFewerThanAThird() {
    Map<Integer, Set<Integer>> g =
        Grudges.grudge(Grudges.Shape.MINORITY_THIRD, 7, new SplittableRandom(1));
    long small = g.values().stream().filter(s -> s.size() == 5).count(); // 2 nodes drop the other 5
    long large = g.values().stream().filter(s -> s.size() == 2).count();
    assertEquals(2, small);
    assertEquals(5, large);
    // With 3 nodes a third rounds down to nobody: no one is cut off.
    assertTrue(
        Grudges.grudge(Grudges.Shape.MINORITY_THIRD, 3, new SplittableRandom(1)).values().stream()
            .allMatch(Set::isEmpty));
  }

  @Test
  void majority_bisectsWithTheSmallerHalfFirst() {
    Map<Integer, Set<Integer>> g =
        Grudges.grudge(Grudges.Shape.MAJORITY, 5, new SplittableRandom(3));
    assertEquals(2, g.values().stream().filter(s -> s.size() == 3).count());
    assertEquals(3, g.values().stream().filter(s -> s.size() == 2).count());
    // Symmetric: a drops b exactly when b drops a.
    g.forEach((a, drops) -> drops.forEach(b -> assertTrue(g.get(b).contains(a))));
  }

  @Test
  void majoritiesRing_everyNodeSeesADifferentMajority() {
    for (int n : new int[] {3, 4, 5}) {
      for (long seed = 0; seed < 10; seed++) {
        Map<Integer, Set<Integer>> h =
            hears(Grudges.grudge(Grudges.Shape.MAJORITIES_RING, n, new SplittableRandom(seed)), n);
        for (Map.Entry<Integer, Set<Integer>> e : h.entrySet()) {
          assertTrue(e.getValue().contains(e.getKey()));
          assertEquals(Grudges.majority(n), e.getValue().size(), "n=" + n + " " + h);
        }
        assertEquals(n, new HashSet<>(h.values()).size(), "views must differ: " + h);
      }
    }
  }

  @Test
  void majoritiesRing_forLargerClusters_givesEveryNodeAMajority() {
    for (long seed = 0; seed < 10; seed++) {
      int n = 9;
      Map<Integer, Set<Integer>> h =
          hears(Grudges.grudge(Grudges.Shape.MAJORITIES_RING, n, new SplittableRandom(seed)), n);
      for (Map.Entry<Integer, Set<Integer>> e : h.entrySet()) {
        assertTrue(e.getValue().size() >= Grudges.majority(n), h.toString());
        // Links are made both ways.
        e.getValue().forEach(o -> assertTrue(h.get(o).contains(e.getKey())));
      }
    }
  }

  @Test
  void grudge_isDeterministicForASeed() {
    for (Grudges.Shape s : Grudges.Shape.values()) {
      assertEquals(
          Grudges.grudge(s, 7, new SplittableRandom(42)),
          Grudges.grudge(s, 7, new SplittableRandom(42)));
    }
  }

  @Test
  void matrix_marksDestDropsSrc() {
    boolean[][] m = Grudges.matrix(Map.of(0, Set.of(2)), 3);
    assertTrue(m[0][2]);
    assertEquals(false, m[2][0]);
  }

  @Test
  void helpers_matchJepsen() {
    assertEquals(3, Grudges.majority(5));
    assertEquals(3, Grudges.majority(4));
    assertEquals(1, Grudges.minorityThird(5));
    assertEquals(0, Grudges.minorityThird(3));
    assertEquals(2, Grudges.minorityThird(7));
  }
}
