package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Maelstrom starts all nodes at once on a fresh clone: one builds, the rest wait, all answer. */
class FirstBuildIT {
  @Test
  @Timeout(300)
  void nodesStartedTogetherOnAFreshClone_buildOnceAndAllAnswer(@TempDir Path tmp) throws Exception {
    Path clone = tmp.resolve("idmint");
    List<String> parts = new ArrayList<>(List.of("pom.xml", "bin"));
    try (DirectoryStream<Path> modules =
        Files.newDirectoryStream(Launcher.ROOT, Files::isDirectory)) {
      for (Path m : modules) {
        if (Files.exists(m.resolve("pom.xml"))) {
          String name = m.getFileName().toString();
          parts.add(name + "/pom.xml");
          if (Files.isDirectory(m.resolve("src/main"))) {
            parts.add(name + "/src/main");
          }
        }
      }
    }
    for (String part : parts) {
      copy(Launcher.ROOT.resolve(part), clone.resolve(part));
    }
    Path bin = clone.resolve("bin/idmint");
    List<Process> nodes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      nodes.add(Launcher.start(bin, tmp, Map.of()));
    }
    int builds = 0;
    for (Process p : nodes) {
      NodeProcessIT.Run r = NodeProcessIT.run(p, NodeProcessIT.sampleIn());
      assertEquals(0, r.exit(), r.stderr());
      assertArrayEquals(NodeProcessIT.sampleExpected(), r.stdout(), r.out() + r.stderr());
      builds += r.stderr().contains("idmint: building") ? 1 : 0;
    }
    assertEquals(1, builds, "exactly one launcher should have built");

    // Sources newer than the build make the next start rebuild.
    Path node = clone.resolve("idmint-node/src/main/java/dev/idmint/node/Node.java");
    Files.setLastModifiedTime(
        node, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
    NodeProcessIT.Run again =
        NodeProcessIT.run(Launcher.start(bin, tmp, Map.of()), NodeProcessIT.sampleIn());
    assertArrayEquals(NodeProcessIT.sampleExpected(), again.stdout(), again.stderr());
    assertEquals(true, again.stderr().contains("idmint: building"), again.stderr());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.createDirectories(dest.getParent());
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
