package dev.idmint.harness.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Jepsen's partition shapes ({@code jepsen.nemesis.combined/grudge}). A grudge maps each node to
 * the nodes it drops messages from; nodes are indices {@code 0..n-1}.
 */
public final class Grudges {
  private Grudges() {}

  /** The shapes Maelstrom picks from ({@code :primaries} is left out there too). */
  enum Shape {
    ONE("one"),
    MINORITY_THIRD("minority-third"),
    MAJORITY("majority"),
    MAJORITIES_RING("majorities-ring");

    final String label;

    Shape(String label) {
      this.label = label;
    }
  }

  static Map<Integer, Set<Integer>> grudge(Shape shape, int n, RandomGenerator r) {
    List<Integer> nodes = range(n);
    return switch (shape) {
      case ONE -> {
        int loner = r.nextInt(n);
        List<Integer> rest = new ArrayList<>(nodes);
        rest.remove(Integer.valueOf(loner));
        yield complete(List.of(List.of(loner), rest));
      }
      case MINORITY_THIRD -> {
        List<Integer> s = shuffled(nodes, r);
        int k = minorityThird(n);
        yield complete(List.of(s.subList(0, k), s.subList(k, n)));
      }
      case MAJORITY -> {
        List<Integer> s = shuffled(nodes, r);
        int k = n / 2; // bisect: the smaller half first
        yield complete(List.of(s.subList(0, k), s.subList(k, n)));
      }
      case MAJORITIES_RING -> n <= 5 ? majoritiesRingPerfect(n, r) : majoritiesRingStochastic(n, r);
    };
  }

  /** The smallest integer strictly greater than half. */
  static int majority(int n) {
    return n / 2 + 1;
  }

  /** The largest integer strictly less than a third. */
  static int minorityThird(int n) {
    return (n - 1) / 3;
  }

  /** No node hears from any node outside its own component. */
  static Map<Integer, Set<Integer>> complete(Collection<? extends Collection<Integer>> components) {
    Set<Integer> universe = new HashSet<>();
    components.forEach(universe::addAll);
    Map<Integer, Set<Integer>> g = new TreeMap<>();
    for (Collection<Integer> c : components) {
      for (int node : c) {
        Set<Integer> drop = new TreeSet<>(universe);
        drop.removeAll(c);
        g.put(node, drop);
      }
    }
    return g;
  }

  /**
   * Nodes in a shuffled ring; each node hears only the majority window centred on it, so every node
   * sees a majority and no two see the same one.
   */
  static Map<Integer, Set<Integer>> majoritiesRingPerfect(int n, RandomGenerator r) {
    List<Integer> ring = shuffled(range(n), r);
    int m = majority(n);
    Map<Integer, Set<Integer>> g = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      List<Integer> window = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        window.add(ring.get((i + j) % n));
      }
      Set<Integer> drop = new TreeSet<>(range(n));
      drop.removeAll(window);
      g.put(window.get(m / 2), drop);
    }
    return g;
  }

  /**
   * Jepsen's variant for more than five nodes: link least-connected nodes until all see a majority.
   */
  static Map<Integer, Set<Integer>> majoritiesRingStochastic(int n, RandomGenerator r) {
    int m = majority(n);
    List<Set<Integer>> conns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      conns.add(new HashSet<>(List.of(i)));
    }
    while (true) {
      // Nodes by degree, shuffled within a degree.
      TreeMap<Integer, List<Integer>> byDegree = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        byDegree.computeIfAbsent(conns.get(i).size(), k -> new ArrayList<>()).add(i);
      }
      List<Integer> order = new ArrayList<>();
      for (List<Integer> same : byDegree.values()) {
        order.addAll(shuffled(same, r));
      }
      int a = order.get(0);
      if (conns.get(a).size() >= m) {
        break;
      }
      for (int b : order) {
        if (!conns.get(a).contains(b)) {
          conns.get(a).add(b);
          conns.get(b).add(a);
          break;
        }
      }
    }
    Map<Integer, Set<Integer>> g = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Set<Integer> drop = new TreeSet<>(range(n));
      drop.removeAll(conns.get(i));
      g.put(i, drop);
    }
    return g;
  }

  /** drops[dest][src]: whether dest discards messages from src. */
  public static boolean[][] matrix(Map<Integer, Set<Integer>> grudge, int n) {
    boolean[][] m = new boolean[n][n];
    grudge.forEach((dest, srcs) -> srcs.forEach(src -> m[dest][src] = true));
    return m;
  }

  /** The grudge with node names, for results and the report. */
  public static Map<String, List<String>> named(
      Map<Integer, Set<Integer>> grudge, List<String> ids) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    grudge.forEach(
        (dest, srcs) -> {
          List<String> names = new ArrayList<>();
          srcs.forEach(s -> names.add(ids.get(s)));
          out.put(ids.get(dest), names);
        });
    return out;
  }

  static List<Integer> range(int n) {
    List<Integer> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  static <T> List<T> shuffled(List<T> in, RandomGenerator r) {
    List<T> l = new ArrayList<>(in);
    for (int i = l.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = l.get(i);
      l.set(i, l.get(j));
      l.set(j, t);
    }
    return l;
  }
}
