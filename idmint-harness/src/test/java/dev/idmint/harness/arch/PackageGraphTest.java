package dev.idmint.harness.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The harness's packages depend on each other without a cycle, as the JDK's jdeps reads the
 * compiled classes. {@code docs/harness.md} draws the graph this prints to {@code
 * target/package-graph.txt}.
 */
class PackageGraphTest {
  private static final String PREFIX = "dev.idmint.harness";
  private static final Path CLASSES = Path.of("target/classes");

  /** Package to the harness packages it uses, from {@code jdeps -verbose:package}. */
  static Map<String, Set<String>> graph() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    List<String> jars = new ArrayList<>();
    for (String prop : new String[] {"java.class.path", "jdk.module.path"}) {
      for (String p : System.getProperty(prop, "").split(File.pathSeparator)) {
        if (p.endsWith(".jar")) {
          jars.add(p);
        }
      }
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "--multi-release",
            "17",
            "--module-path",
            String.join(File.pathSeparator, jars),
            "-verbose:package",
            CLASSES.toString());
    assertEquals(0, code, "jdeps failed: " + err);
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[1].equals("->") && f[0].startsWith(PREFIX)) {
        Set<String> uses = graph.computeIfAbsent(f[0], k -> new TreeSet<>());
        if (f[2].startsWith(PREFIX) && !f[2].equals(f[0])) {
          uses.add(f[2]);
        }
      }
    }
    return graph;
  }

  /** The strongly connected components of more than one package (Tarjan's algorithm). */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    return new Tarjan(graph).cycles;
  }

  private static final class Tarjan {
    final Map<String, Set<String>> graph;
    final Map<String, Integer> index = new TreeMap<>();
    final Map<String, Integer> low = new TreeMap<>();
    final List<String> stack = new ArrayList<>();
    final List<Set<String>> cycles = new ArrayList<>();

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
      graph.keySet().forEach(p -> visit(p));
    }

    void visit(String p) {
      if (index.containsKey(p)) {
        return;
      }
      index.put(p, index.size());
      low.put(p, index.get(p));
      stack.add(p);
      for (String q : graph.getOrDefault(p, Set.of())) {
        if (!index.containsKey(q)) {
          visit(q);
          low.put(p, Math.min(low.get(p), low.get(q)));
        } else if (stack.contains(q)) {
          low.put(p, Math.min(low.get(p), index.get(q)));
        }
      }
      if (low.get(p).equals(index.get(p))) {
        Set<String> component = new TreeSet<>();
        String q;
        do {
          q = stack.remove(stack.size() - 1);
          component.add(q);
        } while (!q.equals(p));
        if (component.size() > 1) {
          cycles.add(component);
        }
      }
    }
  }

  @Test
  void packages_dependOnEachOther_withoutACycle() throws Exception {
    Map<String, Set<String>> graph = graph();
    assertTrue(graph.size() >= 10, "jdeps saw the packages: " + graph.keySet());
    StringBuilder text = new StringBuilder();
    graph.forEach(
        (p, uses) ->
            text.append(p.substring(PREFIX.length()))
                .append(" -> ")
                .append(uses.stream().map(u -> u.substring(PREFIX.length() + 1)).toList())
                .append('\n'));
    Files.writeString(Path.of("target/package-graph.txt"), text);
    assertEquals(List.of(), cycles(graph), "package cycles:\n" + text);
  }

  @Test
  void cycles_areFound_whereverTheyAre() {
    Map<String, Set<String>> g = new TreeMap<>();
    g.put("a", Set.of("b"));
    g.put("b", Set.of("c", "d"));
    g.put("c", Set.of("a"));
    g.put("d", Set.of());
    assertEquals(List.of(Set.of("a", "b", "c")), cycles(g));
    g.put("c", Set.of());
    assertEquals(List.of(), cycles(g));
  }
}
