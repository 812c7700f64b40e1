package dev.idmint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What Maven's module dependencies cannot see: only {@code Main} touches the process's stdin and
 * stdout, so nothing else can put a stray line on the node's protocol stream.
 */
class ArchitectureTest {
  private static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();

  @Test
  void systemInAndOut_appearOnlyInMain() throws IOException {
    List<Path> sources = sources();
    assertFalse(sources.isEmpty(), "no main sources under " + ROOT);
    List<String> violations = new ArrayList<>();
    Pattern stdio = Pattern.compile("System\\.(in|out)\\b");
    for (Path file : sources) {
      if (!file.endsWith(Path.of("dev", "idmint", "cli", "Main.java"))
          && stdio.matcher(Files.readString(file)).find()) {
        violations.add(ROOT.relativize(file).toString());
      }
    }
    assertEquals(List.of(), violations);
  }

  /** Main sources of every module of the product (benchmarks aside). */
  private static List<Path> sources() throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path m :
          modules.filter(p -> p.getFileName().toString().startsWith("idmint-")).toList()) {
        Path main = m.resolve("src/main/java");
        if (Files.isDirectory(main)) {
          try (Stream<Path> s = Files.walk(main)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(all::add);
          }
        }
      }
    }
    return all;
  }
}
