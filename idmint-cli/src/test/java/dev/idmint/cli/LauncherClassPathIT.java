package dev.idmint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The class paths the build writes for bin/idmint. */
final class LauncherClassPathIT {
  static final Path TARGET = Path.of("target").toAbsolutePath();

  @Test
  void classPaths_nameEachArtifactOnce_andOnlyJarsThatExist() throws IOException {
    // lib/ keeps a previous version's jars until mvn clean; two versions of one jar on the class
    // path would run whichever comes first.
    for (String file : List.of("classpath.node", "classpath.all")) {
      Map<String, String> seen = new HashMap<>();
      for (String entry : read(file)) {
        assertTrue(Files.isRegularFile(TARGET.resolve(entry)), file + ": " + entry + " is missing");
        String artifact = entry.replaceFirst("-[0-9][^/]*\\.jar$", "");
        String before = seen.put(artifact, entry);
        assertNull(before, file + " names " + artifact + " twice: " + before + ", " + entry);
      }
    }
  }

  @Test
  void lib_holdsTheClassPathsJarsOnly() throws IOException {
    // The image copies lib/ whole.
    List<String> all = read("classpath.all");
    try (var jars = Files.list(TARGET.resolve("lib"))) {
      jars.map(jar -> "lib/" + jar.getFileName())
          .forEach(jar -> assertTrue(all.contains(jar), jar + " is not on the class path"));
    }
  }

  @Test
  void nodeClassPath_isAPrefixOfTheFullOne_andHoldsTheNodesFourJars() throws IOException {
    // Either CDS archive maps only if its class path is a prefix of the one the JVM starts with.
    List<String> node = read("classpath.node");
    List<String> all = read("classpath.all");
    assertEquals(node, all.subList(0, node.size()));
    assertEquals(4, node.size(), node.toString());
    assertTrue(all.stream().anyMatch(e -> e.startsWith("lib/idmint-serve-")), all.toString());
  }

  static List<String> read(String file) throws IOException {
    return List.of(Files.readString(TARGET.resolve(file)).strip().split(":"));
  }
}
