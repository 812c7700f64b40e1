package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What bin/idmint does before the JVM starts: build stamps, JVM options, the CDS archive. */
@Timeout(120)
class LauncherIT {
  private static final Path TARGET = Launcher.ROOT.resolve("idmint-cli/target");
  private static final Path ARCHIVE = TARGET.resolve("idmint.jsa");

  @Test
  void afterMvnPackage_theFirstStartDoesNotBuildAgain() throws Exception {
    // The build stamps itself at package time; had any launcher rebuilt since (during these
    // tests), the stamp would be newer than this JVM.
    Path stamp = TARGET.resolve(".built");
    assertTrue(Files.exists(stamp), "mvn package left no build stamp");
    long testsStarted = ManagementFactory.getRuntimeMXBean().getStartTime();
    assertTrue(Files.getLastModifiedTime(stamp).toMillis() <= testsStarted, "a launcher rebuilt");
    NodeProcessIT.Run r = NodeProcessIT.run(Launcher.start(Map.of()), NodeProcessIT.sampleIn());
    assertFalse(r.stderr().contains("idmint: building"), r.stderr());
    assertArrayEquals(NodeProcessIT.sampleExpected(), r.stdout(), r.stderr());
  }

  @Test
  void javaOpts_withGlobCharacters_reachTheJvmUnchanged(@TempDir Path cwd) throws Exception {
    // Expanded as a glob in a directory where it matches nothing, the option would vanish.
    NodeProcessIT.Run r =
        NodeProcessIT.run(
            Launcher.start(
                Launcher.BIN, cwd, Map.of("IDMINT_JAVA_OPTS", "-Xlog:gc*:stderr -Xmx40m")),
            NodeProcessIT.sampleIn());
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("[gc,init] Heap Max Capacity: 40M"), r.stderr());
    assertArrayEquals(NodeProcessIT.sampleExpected(), r.stdout(), r.out());
  }

  @Test
  void cdsArchive_isUsedByTheJdkThatMadeIt() throws Exception {
    assertTrue(Files.exists(ARCHIVE), "mvn package made no CDS archive (see cds-training.log)");
    NodeProcessIT.Run r =
        NodeProcessIT.run(
            Launcher.start(Map.of("IDMINT_JAVA_OPTS", "-Xlog:class+load=info:stderr")),
            NodeProcessIT.sampleIn());
    assertTrue(r.stderr().contains("source: shared objects file (top)"), r.stderr());
    assertArrayEquals(NodeProcessIT.sampleExpected(), r.stdout(), r.out());
  }

  @Test
  void anotherJdk_runsTheNodeWithoutTheArchive_andQuietly() throws Exception {
    Path other = otherJdk();
    Assumptions.assumeTrue(other != null, "no second JDK under /usr/lib/jvm");
    NodeProcessIT.Run r =
        NodeProcessIT.run(
            Launcher.start(
                Map.of(
                    "JAVA_HOME",
                    other.toString(),
                    "IDMINT_JAVA_OPTS",
                    "-Xlog:class+load=info:stderr")),
            NodeProcessIT.sampleIn());
    assertEquals(0, r.exit(), r.stderr());
    assertArrayEquals(NodeProcessIT.sampleExpected(), r.stdout(), r.out());
    assertFalse(r.stderr().contains("shared objects file (top)"), "the archive was mapped");
    assertFalse(r.stderr().contains("[cds"), r.stderr());
  }

  /** A JDK other than the one that made the archive (a second JDK is not a tool CI installs). */
  private static Path otherJdk() throws Exception {
    Path made = Path.of(Files.readString(TARGET.resolve("idmint.jsa.java")).strip()).toRealPath();
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (Stream<Path> all = Files.list(jvms)) {
      for (Path home : all.toList()) {
        Path java = home.resolve("bin/java");
        if (Files.isExecutable(java) && !java.toRealPath().equals(made)) {
          return home;
        }
      }
    }
    return null;
  }
}
