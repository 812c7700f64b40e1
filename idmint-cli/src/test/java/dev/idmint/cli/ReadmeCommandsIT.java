package dev.idmint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands, run as it shows them from the checkout's root, against the output it
 * shows. Each block is the shell block after a {@code <!-- ReadmeCommandsIT: NAME -->} marker, and
 * the plain block after that one is what it prints.
 */
@Timeout(600)
class ReadmeCommandsIT {
  static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();

  @TempDir Path tmp;

  /** A marked block: its commands (continued lines joined, comments dropped), and the output. */
  record Shown(List<String> commands, List<String> output) {}

  record Ran(int exit, String out, String err) {}

  @Test
  void node_answersTheSampleByteForByte_asShown() throws Exception {
    Shown shown = shown("node");
    assertEquals(1, shown.commands().size(), shown.toString());
    Ran r = run(shown.commands().get(0), Map.of());
    assertEquals(0, r.exit(), r.err());
    assertEquals(String.join("\n", shown.output()) + "\n", r.out(), r.err());
  }

  @Test
  void serve_andItsCurls_printWhatIsShown() throws Exception {
    Shown shown = shown("serve");
    String serve = shown.commands().get(0);
    assertTrue(serve.startsWith("bin/idmint serve ") && serve.endsWith("&"), serve);
    List<String> curls = shown.commands().subList(1, shown.commands().size());
    assertFalse(curls.isEmpty());
    int port = freePort();
    Path log = tmp.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", "exec " + serve.substring(0, serve.length() - 1).strip())
            .redirectOutput(log.toFile())
            .redirectErrorStream(true);
    Process p = start(pb, Map.of("IDMINT_PORT", Integer.toString(port))); // in place of 8080
    try {
      String startUp = awaitStartUpLine(p, log);
      StringBuilder out = new StringBuilder();
      List<String> decodes = new ArrayList<>();
      for (String curl : curls) {
        assertTrue(curl.startsWith("curl ") && curl.contains("localhost:8080/"), curl);
        Ran r = run(curl.replace("localhost:8080/", "localhost:" + port + "/"), Map.of());
        assertEquals(0, r.exit(), curl + ": " + r.err());
        out.append(r.out());
        if (curl.matches(".*/v1/ids/[0-9]+'?")) {
          decodes.add(r.out().strip());
        }
      }
      List<String> expected = new ArrayList<>(shown.output());
      String shownStartUp = expected.remove(0);
      assertTrue(shownStartUp.startsWith("idmint serve: listening on "), shownStartUp);
      assertTrue(
          shape(shownStartUp.replace(":8080 ", ":" + port + " ")).matcher(startUp).matches(),
          startUp + "\nis not like\n" + shownStartUp);

      List<String> lines = out.toString().lines().toList();
      assertEquals(expected.size(), lines.size(), out.toString());
      long last = -1;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        assertTrue(
            shape(expected.get(i)).matcher(line).matches(),
            line + "\nis not like\n" + expected.get(i));
        if (line.startsWith("{\"ids\":")) {
          long shownWorker = new SnowflakeId(firstNumber(expected.get(i))).worker();
          for (String id : line.replaceAll("[^0-9,]", "").split(",")) {
            long v = Long.parseLong(id);
            assertTrue(v > last, "IDs strictly increase: " + line);
            assertEquals(shownWorker, new SnowflakeId(v).worker(), line);
            last = v;
          }
        }
      }
      for (String decoded : decodes) {
        assertTrue(
            expected.contains(decoded), "decoding a given ID prints what is shown: " + decoded);
      }
    } finally {
      p.destroy(); // SIGTERM: bin/idmint execs java, and serve drains and exits
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void harnessDemo_isValid_andPrintsTheSummaryShown() throws Exception {
    Tools.libfaketime(); // the demo's clock fault
    runTests(shown("harness"));
  }

  @Test
  void fleetTests_areValid_andPrintTheSummaryShown() throws Exception {
    Tools.libfaketime();
    Tools.command("python3", "apt-get install python3");
    Tools.command("etcd", "apt-get install etcd-server");
    runTests(shown("fleet"));
  }

  /**
   * Runs every {@code bin/idmint test} command of the block (with its store in the test's temporary
   * directory): each must be valid, and the last must print a summary with the lines shown.
   */
  private void runTests(Shown shown) throws Exception {
    List<String> tests =
        shown.commands().stream().filter(c -> c.startsWith("bin/idmint test")).toList();
    assertFalse(tests.isEmpty(), shown.toString());
    Ran last = null;
    for (String command : tests) {
      Path store = Files.createTempDirectory(tmp, "store");
      last =
          run(
              command.replaceFirst(
                  "^bin/idmint test", "bin/idmint test --store " + store.toString()),
              Map.of());
      assertEquals(0, last.exit(), command + "\n" + last.out() + last.err());
      assertTrue(last.out().contains("\nEverything looks good! "), command + "\n" + last.out());
    }
    List<String> run = last.out().strip().lines().toList();
    List<String> expected = shown.output();
    assertEquals(labels(expected), labels(run), last.out());
    assertTrue(
        shape(expected.get(0)).matcher(run.get(0)).matches(),
        "the settings, as shown: " + run.get(0) + "\nis not like\n" + expected.get(0));
  }

  /** The summary's line labels, in order ({@code test}, {@code operations}, ...). */
  static List<String> labels(List<String> summary) {
    return summary.stream()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(l -> l.startsWith("Everything looks good!") ? "verdict: valid" : l.split(" ")[0])
        .toList();
  }

  /** The README's block after {@code <!-- ReadmeCommandsIT: name -->}, and the output after it. */
  static Shown shown(String name) throws IOException {
    List<String> lines = Files.readString(ROOT.resolve("README.md")).lines().toList();
    int marker = lines.indexOf("<!-- ReadmeCommandsIT: " + name + " -->");
    assertTrue(marker >= 0, "README has no block marked " + name);
    assertEquals("```sh", lines.get(marker + 1), "a shell block follows the marker " + name);
    int end = indexOf(lines, "```", marker + 2);
    List<String> commands = new ArrayList<>();
    StringBuilder command = new StringBuilder();
    for (String line : lines.subList(marker + 2, end)) {
      String code = line.replaceFirst("\\s+#\\s.*$", "");
      if (code.endsWith("\\")) {
        command.append(code, 0, code.length() - 1).append(' ');
        continue;
      }
      command.append(code.strip());
      commands.add(command.toString().replaceAll("\\s+", " ").strip());
      command.setLength(0);
    }
    int open = indexOf(lines, "```", end + 1);
    int close = indexOf(lines, "```", open + 1);
    assertTrue(open > end && close > open, "an output block follows the commands of " + name);
    return new Shown(commands, lines.subList(open + 1, close));
  }

  private static int indexOf(List<String> lines, String line, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).equals(line)) {
        return i;
      }
    }
    return -1;
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

  private static long firstNumber(String line) {
    Matcher m = Pattern.compile("[0-9]+").matcher(line);
    assertTrue(m.find(), line);
    return Long.parseLong(m.group());
  }

  /** Runs one command line with bash in the checkout's root, as a user would type it there. */
  private Ran run(String command, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Process p = start(pb, env);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("did not finish in 300 s: " + command);
    }
    return new Ran(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Starts in the root, with no IDMINT_ setting of the caller's but IDMINT_JAVA_OPTS. */
  private static Process start(ProcessBuilder pb, Map<String, String> env) throws IOException {
    pb.directory(ROOT.toFile()).redirectInput(new java.io.File("/dev/null"));
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("IDMINT_") && !k.equals("IDMINT_JAVA_OPTS"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private static String awaitStartUpLine(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      for (String line : text.lines().toList()) {
        if (line.startsWith("idmint serve: listening on ")) {
          return line;
        }
      }
      if (!p.isAlive()) {
        throw new AssertionError("serve exited " + p.exitValue() + ":\n" + text);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no start-up line within 60 s:\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
