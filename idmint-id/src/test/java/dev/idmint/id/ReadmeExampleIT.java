package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use the library" example, as a user would run it: compiled against the packaged jar
 * and nothing else, run twice in a fresh process, the second time resuming from the state the first
 * left behind.
 */
@Timeout(120)
class ReadmeExampleIT {
  static final Path ROOT = Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath();
  static final Path JAR = Path.of(System.getProperty("idmint.jar", "target/idmint-id.jar"));

  record Run(int exit, String out, String err) {}

  /** The README's example {@code index}, compiled into {@code tmp}; runs in {@code work}. */
  record Example(String name, Path classes, Path work) {
    static Example compiled(int index, Path tmp) throws IOException {
      String source = examples(Files.readString(ROOT.resolve("README.md"))).get(index);
      Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
      assertTrue(name.find(), source);
      Path classes = compile(name.group(1), source, tmp);
      return new Example(name.group(1), classes, Files.createDirectories(tmp.resolve("work")));
    }

    Run run() throws Exception {
      return ReadmeExampleIT.run(name, classes, work);
    }
  }

  @Test
  void example_compilesAgainstTheJarAlone_andRestartsAboveItsOldIds(@TempDir Path tmp)
      throws Exception {
    Example example = Example.compiled(0, tmp);
    Run first = example.run();
    assertEquals("state: created " + Path.of("idmint-state", "w7.state") + "\n", first.err());
    long[] firstIds = checkOutput(first);

    Run second = example.run();
    assertTrue(
        second.err().startsWith("state: resumed from " + Path.of("idmint-state", "w7.state")),
        second.err());
    long[] secondIds = checkOutput(second);
    assertTrue(secondIds[0] > firstIds[1], "after a restart, IDs go on above the old ones");
  }

  @Test
  void jar_isAModuleWithSourcesAndJavadocNextToIt() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals(
          "dev.idmint.id", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
    }
    String base = JAR.getFileName().toString().replace(".jar", "");
    assertTrue(Files.isRegularFile(JAR.resolveSibling(base + "-sources.jar")));
    assertTrue(Files.isRegularFile(JAR.resolveSibling(base + "-javadoc.jar")));
  }

  /** The Java blocks of the "Use the library" section, in order. */
  static List<String> examples(String readme) {
    int section = readme.indexOf("\n## Use the library\n");
    assertTrue(section >= 0, "README has no 'Use the library' section");
    int sectionEnd = readme.indexOf("\n## ", section + 1);
    List<String> blocks = new java.util.ArrayList<>();
    for (int start = readme.indexOf("```java\n", section);
        start >= 0 && start < sectionEnd;
        start = readme.indexOf("```java\n", start + 1)) {
      int end = readme.indexOf("\n```\n", start);
      blocks.add(readme.substring(start + "```java\n".length(), end + 1));
    }
    assertEquals(2, blocks.size(), "Java blocks in 'Use the library'");
    return blocks;
  }

  @Test
  void causalExample_ordersTheReplyAfterTheRequest_andRefusesAClockAnHourAhead(@TempDir Path tmp)
      throws Exception {
    Run r = Example.compiled(1, tmp).run();
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    assertTrue(lines.get(0).matches("(\\d+)_0_orders -> \\1_1_billing: in order true"), r.out());
    assertTrue(
        lines
            .get(1)
            .matches(
                "refused: refusing to order IDs after time \\S+: it is 1 h ahead of the wall clock"
                    + " \\(\\S+\\), past the 10 s bound on observed IDs"),
        lines.get(1));
    assertEquals("", r.err());
  }

  /** Compiles with the build's own strictness; the classpath is the jar and nothing else. */
  static Path compile(String className, String source, Path tmp) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src")).resolve(className + ".java");
    Files.writeString(src, source);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      boolean ok =
          javac
              .getTask(
                  diagnostics,
                  files,
                  null,
                  List.of(
                      "--release",
                      "17",
                      "-Xlint:all",
                      "-Werror",
                      "-proc:none",
                      "-classpath",
                      JAR.toString(),
                      "-d",
                      classes.toString()),
                  null,
                  files.getJavaFileObjects(src))
              .call();
      assertTrue(ok, diagnostics.toString());
    }
    return classes;
  }

  static Run run(String className, Path classes, Path cwd) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = Files.createTempFile(cwd.getParent(), "out", ".txt");
    Path err = Files.createTempFile(cwd.getParent(), "err", ".txt");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                JAR + System.getProperty("path.separator") + classes,
                className)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.DISCARD.file())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "example did not finish");
    Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    assertEquals(0, r.exit(), r.err());
    return r;
  }

  /** Checks what the example prints; returns its first and last ID. */
  static long[] checkOutput(Run r) {
    List<String> lines = r.out().lines().toList();
    assertEquals(4, lines.size(), r.out());
    Matcher batch = Pattern.compile("issued 1000 IDs, (\\d+) to (\\d+)").matcher(lines.get(0));
    assertTrue(batch.matches(), lines.get(0));
    long first = Long.parseLong(batch.group(1));
    long last = Long.parseLong(batch.group(2));
    assertTrue(last > first, r.out());
    SnowflakeId id = new SnowflakeId(first);
    assertEquals(
        id + ": time " + id.timestamp() + ", worker 7, sequence " + id.sequence(), lines.get(1));
    assertEquals(7, new SnowflakeId(last).worker());
    Duration age = Duration.between(id.timestamp(), Instant.now()).abs();
    assertTrue(age.compareTo(Duration.ofMinutes(1)) < 0, "time " + id.timestamp());
    assertTrue(
        lines
            .get(2)
            .matches(
                "IDs lead the wall clock by \\d+ ms; it went back \\d+ times, at most \\d+ ms"),
        lines.get(2));
    assertEquals("state written 1 time(s)", lines.get(3));
    return new long[] {first, last};
  }
}
