package dev.idmint.cli;

import static dev.idmint.cli.DocBlocks.awaitStartUpLine;
import static dev.idmint.cli.DocBlocks.freePort;
import static dev.idmint.cli.DocBlocks.run;
import static dev.idmint.cli.DocBlocks.shape;
import static dev.idmint.cli.DocBlocks.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.cli.DocBlocks.Ran;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
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

  @TempDir Path tmp;

  /** A marked block: its commands (continued lines joined, comments dropped), and the output. */
  record Shown(List<String> commands, List<String> output) {}

  @Test
  void node_answersTheSampleByteForByte_asShown() throws Exception {
    Shown shown = shown("node");
    assertEquals(1, shown.commands().size(), shown.toString());
    Ran r = run(tmp, shown.commands().get(0), Map.of());
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
        Ran r = run(tmp, curl.replace("localhost:8080/", "localhost:" + port + "/"), Map.of());
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
    Ran demo = runTests(shown("harness"));
    // docs/harness.md shows the demo's summary too.
    List<String> inManual = DocBlocks.after("docs/harness.md", "DocsExamplesIT: demo", 2).get(1);
    assertEquals(labels(inManual), labels(demo.out().strip().lines().toList()), demo.out());
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
   * directory): each must be valid, and the last, returned, must print a summary with the lines
   * shown.
   */
  private Ran runTests(Shown shown) throws Exception {
    List<String> tests =
        shown.commands().stream().filter(c -> c.startsWith("bin/idmint test")).toList();
    assertFalse(tests.isEmpty(), shown.toString());
    Ran last = null;
    for (String command : tests) {
      Path store = Files.createTempDirectory(tmp, "store");
      last =
          run(
              tmp,
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
    return last;
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
    List<List<String>> blocks = DocBlocks.after("README.md", "ReadmeCommandsIT: " + name, 2);
    return new Shown(DocBlocks.commands(blocks.get(0)), blocks.get(1));
  }

  private static long firstNumber(String line) {
    Matcher m = Pattern.compile("[0-9]+").matcher(line);
    assertTrue(m.find(), line);
    return Long.parseLong(m.group());
  }
}
