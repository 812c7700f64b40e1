package dev.idmint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package rules from the developers' guide, checked over the main sources. */
class ArchitectureTest {
  /** Each package may use only those before it. */
  private static final List<String> LAYERS = List.of("id", "protocol", "node", "harness", "cli");

  private static final Path MAIN = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java/dev/idmint");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.idmint\\.(\\w+)");

  @Test
  void packages_dependOnlyOnTheOnesAboveThem() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      String own = MAIN.relativize(file).getName(0).toString();
      int rank = LAYERS.indexOf(own);
      Matcher m = REFERENCE.matcher(Files.readString(file));
      while (m.find()) {
        int other = LAYERS.indexOf(m.group(1));
        if (other > rank) {
          violations.add(MAIN.relativize(file) + " uses dev.idmint." + m.group(1));
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void idPackage_hasNoJson() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : sources()) {
      if (MAIN.relativize(file).startsWith("id") && Files.readString(file).contains("com.fasterxml")) {
        violations.add(MAIN.relativize(file).toString());
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void systemInAndOut_appearOnlyInMain() throws IOException {
    List<String> violations = new ArrayList<>();
    Pattern stdio = Pattern.compile("System\\.(in|out)\\b");
    for (Path file : sources()) {
      if (!file.endsWith(Path.of("cli", "Main.java")) && stdio.matcher(Files.readString(file)).find()) {
        violations.add(MAIN.relativize(file).toString());
      }
    }
    assertEquals(List.of(), violations);
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }
}
