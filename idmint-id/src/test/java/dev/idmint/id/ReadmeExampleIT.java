package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's examples where the docs show them, as a user would run them: the README's short one
 * (after {@code <!-- ReadmeExampleIT -->}) and the two of docs/library.md's "Examples", each
 * compiled against the packaged jar and nothing else and run in a fresh process, the ones with
 * durable state twice, the second time resuming from the state the first left behind. The
 * coordinates the two pages name are the version this build makes.
 */
@Timeout(120)
class ReadmeExampleIT {
  static final Path ROOT = Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath();
  static final Path JAR = Path.of(System.getProperty("idmint.jar", "target/idmint-id.jar"));

  record Run(int exit, String out, String err) {}

  /** docs/library.md's example {@code index}, compiled into {@code tmp}; runs in {@code work}. */
  record Example(String name, Path classes, Path work) {
    static Example compiled(int index, Path tmp) throws IOException {
      return compiled(examples(Files.readString(ROOT.resolve("docs/library.md"))).get(index), tmp);
    }

    static Example compiled(String source, Path tmp) throws IOException {
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

  /** The Java blocks of docs/library.md's "Examples" section, in order. */
  static List<String> examples(String library) {
    int section = library.indexOf("\n## Examples\n");
    assertTrue(section >= 0, "docs/library.md has no 'Examples' section");
    int sectionEnd = library.indexOf("\n## ", section + 1);
    if (sectionEnd < 0) {
      sectionEnd = library.length();
    }
    List<String> blocks = new java.util.ArrayList<>();
    for (int start = library.indexOf("```java\n", section);
        start >= 0 && start < sectionEnd;
        start = library.indexOf("```java\n", start + 1)) {
      blocks.add(block(library, start));
    }
    assertEquals(2, blocks.size(), "Java blocks in docs/library.md's 'Examples'");
    return blocks;
  }

  /** The text of the fenced block that opens at {@code start}, without its fences. */
  static String block(String markdown, int start) {
    int body = markdown.indexOf('\n', start) + 1;
    int end = markdown.indexOf("\n```\n", body - 1);
    assertTrue(body > 0 && end >= body - 1, "an unclosed block at " + start);
    return markdown.substring(body, end + 1);
  }

  /**
   * The README's Java example and the transcript shown after it: the marked block, the next one.
   */
  static String[] readmeExample() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int marker = readme.indexOf("<!-- ReadmeExampleIT -->");
    assertTrue(marker >= 0, "README has no <!-- ReadmeExampleIT --> marker");
    int java = readme.indexOf("```", marker);
    assertTrue(readme.startsWith("```java\n", java), "the marker is not followed by a Java block");
    String source = block(readme, java);
    int transcript = readme.indexOf("\n```\n", readme.indexOf("\n```\n", java) + 1) + 1;
    return new String[] {source, block(readme, transcript)};
  }

  /** A line as shown, with every run of digits standing for any: the shape a real run must have. */
  static Pattern shape(String shown) {
    StringBuilder re = new StringBuilder();
    Matcher digits = Pattern.compile("[0-9]+").matcher(shown);
    int at = 0;
    while (digits.find()) {
      re.append(Pattern.quote(shown.substring(at, digits.start()))).append("[0-9]+");
      at = digits.end();
    }
    return Pattern.compile(re.append(Pattern.quote(shown.substring(at))).toString());
  }

  @Test
  void readmeExample_compilesAndRunsAsShown_andRestartsAboveItsOldIds(@TempDir Path tmp)
      throws Exception {
    String[] example = readmeExample();
    List<String> transcript = example[1].lines().toList();
    String jar = transcript.get(0);
    assertTrue(jar.startsWith("$ jar="), jar);
    assertEquals(
        ROOT.resolve(jar.substring("$ jar=".length())).normalize(),
        JAR.toAbsolutePath().normalize(),
        "the README's jar is the one this build makes");
    assertTrue(
        transcript.get(1).startsWith("$ javac -cp $jar FirstIds.java && java"), transcript.get(1));
    List<String> shown = transcript.subList(2, transcript.size());

    Example compiled = Example.compiled(example[0], tmp);
    assertEquals("FirstIds", compiled.name());
    Run first = compiled.run();
    long[] firstIds = checkFirstIds(first, shown);
    assertTrue(
        first.err().contains("state: created " + Path.of("idmint-state", "w7.state")), first.err());
    Run second = compiled.run();
    long[] secondIds = checkFirstIds(second, shown);
    assertTrue(second.err().contains("state: resumed from "), second.err());
    assertTrue(secondIds[0] > firstIds[2], "after a restart, IDs go on above the old ones");
  }

  /** The README's example printed lines of the shape shown, about IDs it issued; returns them. */
  static long[] checkFirstIds(Run r, List<String> shown) {
    List<String> lines = r.out().lines().toList();
    assertEquals(shown.size(), lines.size(), r.out());
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(
          shape(shown.get(i)).matcher(lines.get(i)).matches(),
          lines.get(i) + " is not like " + shown.get(i));
    }
    long first = Long.parseLong(lines.get(0).substring(0, lines.get(0).indexOf(':')));
    SnowflakeId id = new SnowflakeId(first);
    assertEquals(id + ": time " + id.timestamp() + ", worker 7", lines.get(0));
    String[] next = lines.get(1).split(" ");
    long a = Long.parseLong(next[0]);
    long b = Long.parseLong(next[1]);
    assertTrue(first < a && a < b, r.out());
    assertEquals(7, new SnowflakeId(b).worker());
    return new long[] {first, a, b};
  }

  @Test
  void coordinates_nameTheVersionThisBuildMakes() throws IOException {
    String name = JAR.getFileName().toString();
    assertTrue(name.matches("idmint-id-.+\\.jar"), name);
    String version = name.substring("idmint-id-".length(), name.length() - ".jar".length());
    for (String doc : List.of("README.md", "docs/library.md")) {
      String text = Files.readString(ROOT.resolve(doc));
      Matcher named =
          Pattern.compile("idmint-id[:/-]([0-9]+\\.[0-9]+\\.[0-9]+(?:-SNAPSHOT)?)").matcher(text);
      int found = 0;
      while (named.find()) {
        assertEquals(
            version,
            named.group(1),
            doc + " names " + named.group() + ", and this build makes " + version + ": update it");
        found++;
      }
      assertTrue(found > 0, doc + " names no version of idmint-id");
      Matcher xml = Pattern.compile("<version>([^<]+)</version>").matcher(text);
      while (xml.find()) {
        assertEquals(version, xml.group(1), doc + ": " + xml.group());
      }
    }
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
    return Javac.compile(className, source, tmp, JAR.toString(), "-Xlint:all", "-Werror");
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
