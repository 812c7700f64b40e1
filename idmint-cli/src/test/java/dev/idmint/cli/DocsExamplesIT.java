package dev.idmint.cli;

import static dev.idmint.cli.DocBlocks.after;
import static dev.idmint.cli.DocBlocks.awaitLine;
import static dev.idmint.cli.DocBlocks.commands;
import static dev.idmint.cli.DocBlocks.freePort;
import static dev.idmint.cli.DocBlocks.keys;
import static dev.idmint.cli.DocBlocks.run;
import static dev.idmint.cli.DocBlocks.shape;
import static dev.idmint.cli.DocBlocks.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.cli.DocBlocks.Ran;
import dev.idmint.etcd.EtcdCluster;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * The manuals' examples, each the blocks after a {@code <!-- DocsExamplesIT: NAME -->} marker in
 * docs/, run as shown and compared with the output shown: exactly where the output cannot vary,
 * else line by line with every number standing for any (README's are {@link ReadmeCommandsIT}'s).
 */
@Timeout(600)
class DocsExamplesIT {
  @TempDir Path tmp;

  @Test
  void nodeMd_sample_answersByteForByteAsShown() throws Exception {
    List<List<String>> blocks = after("docs/node.md", "DocsExamplesIT: sample", 2);
    Ran r = run(tmp, commands(blocks.get(0)).get(0), Map.of());
    assertEquals(0, r.exit(), r.err());
    assertEquals(String.join("\n", blocks.get(1)) + "\n", r.out());
  }

  @Test
  void nodeMd_hlcExample_answersAsShown() throws Exception {
    List<List<String>> blocks = after("docs/node.md", "DocsExamplesIT: hlc", 3);
    String command = commands(blocks.get(0)).get(0);
    Path requests = tmp.resolve("requests.ndjson");
    Files.write(requests, blocks.get(1));
    Ran r = run(tmp, command.replace("requests.ndjson", requests.toString()), Map.of());
    assertEquals(0, r.exit(), r.err());
    assertShapes(blocks.get(2), r.out().lines().toList());
  }

  @Test
  void libraryMd_inspect_printsExactlyWhatIsShown() throws Exception {
    List<String> transcript = after("docs/library.md", "DocsExamplesIT: inspect", 1).get(0);
    int commands = 0;
    for (int i = 0; i < transcript.size(); ) {
      String command = transcript.get(i);
      assertTrue(command.startsWith("$ bin/idmint inspect "), command);
      List<String> shown = new ArrayList<>();
      for (i++; i < transcript.size() && !transcript.get(i).startsWith("$ "); i++) {
        shown.add(transcript.get(i));
      }
      Ran r = run(tmp, command.substring(2), Map.of());
      assertEquals(0, r.exit(), command + ": " + r.err());
      assertEquals(String.join("\n", shown) + "\n", r.out(), command);
      commands++;
    }
    assertEquals(2, commands);
  }

  @Test
  void libraryMd_stateFiles_areWhatTheLibraryWrites_atTheTimeShown() throws Exception {
    List<String> shown = after("docs/library.md", "DocsExamplesIT: state", 1).get(0);
    long at = Instant.parse("2025-11-25T15:00:00Z").toEpochMilli(); // a second before the leases
    List<String> written = new ArrayList<>();
    for (String line : shown) {
      Matcher m = Pattern.compile(" scheme=([a-z]+) (worker|node)=([0-9a-z]+) ").matcher(line);
      assertTrue(m.find(), line);
      IdFactory.Builder b =
          IdFactory.builder().scheme(Scheme.valueOf(m.group(1).toUpperCase())).clock(() -> at);
      b = m.group(2).equals("worker") ? b.workerId(Integer.parseInt(m.group(3))) : b;
      b = m.group(2).equals("node") ? b.node(m.group(3)) : b.node("n1");
      Path dir = Files.createDirectories(tmp.resolve(m.group(1)));
      try (IdGenerator ids = b.stateDir(dir).build()) {
        ids.next();
      }
      try (var files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".state")).toList()) {
          written.add(Files.readString(file).strip());
        }
      }
    }
    assertEquals(shown, written);
  }

  @Test
  void serviceMd_atAGlance_printsWhatIsShown_andInfoHasTheKeysShown() throws Exception {
    List<List<String>> blocks = after("docs/service.md", "DocsExamplesIT: serve", 2);
    List<String> lines = blocks.get(0);
    String serve = commands(lines.subList(0, 1)).get(0);
    assertTrue(serve.startsWith("bin/idmint serve ") && serve.contains("/var/lib/idmint"), serve);
    int port = freePort();
    Path state = Files.createDirectories(tmp.resolve("state"));
    Path log = tmp.resolve("serve.log");
    Process p =
        start(
            new ProcessBuilder(
                    "bash", "-c", "exec " + serve.replace("/var/lib/idmint", state.toString()))
                .redirectOutput(log.toFile())
                .redirectErrorStream(true),
            Map.of("IDMINT_PORT", Integer.toString(port))); // in place of 8080
    try {
      String startUp = awaitLine(p, log, "idmint serve: listening on ");
      // The rest of the block is one script, as it would be pasted into a shell.
      String script =
          String.join("\n", lines.subList(1, lines.size()))
              .replace("localhost:8080/", "localhost:" + port + "/");
      Ran r = run(tmp, "curl() { command curl -s \"$@\"; echo; }\n" + script, Map.of());
      assertEquals(0, r.exit(), r.err());
      List<String> shown = new ArrayList<>(blocks.get(1));
      String shownStartUp =
          shown
              .remove(0)
              .replace(":8080 ", ":" + port + " ")
              .replace("/var/lib/idmint", state.toString());
      assertTrue(shape(shownStartUp).matcher(startUp).matches(), startUp + "\n" + shownStartUp);
      List<String> out = r.out().lines().filter(l -> !l.isEmpty()).toList();
      assertShapes(shown, out);
      // Decoding a given ID cannot vary; the reply to a clock 4 s ahead is above what it follows.
      assertEquals(shown.get(5), out.get(5));
      long issued = Long.parseLong(out.get(6).replaceAll("[^0-9]", ""));
      assertTrue((issued >> 22) + 1704067200000L > System.currentTimeMillis() + 2000, out.get(6));

      Ran info = run(tmp, "curl -s localhost:" + port + "/v1/info", Map.of());
      String shownInfo = after("docs/service.md", "DocsExamplesIT: info", 1).get(0).get(1);
      assertEquals(keys(shownInfo), keys(info.out()), info.out());
    } finally {
      stop(p);
    }
  }

  @Test
  void serviceMd_registry_printsWhatIsShown_andInfoHasTheRegistryKeysShown() throws Exception {
    EtcdCluster.requireEtcd();
    List<List<String>> blocks = after("docs/service.md", "DocsExamplesIT: registry", 2);
    String command = commands(blocks.get(0)).get(0);
    String shownUrl = command.replaceAll(".*--registry (\\S+).*", "$1");
    try (EtcdCluster cluster = EtcdCluster.start(Files.createDirectories(tmp.resolve("etcd")), 3)) {
      int port = freePort();
      Path log = tmp.resolve("serve.log");
      Process p =
          start(
              new ProcessBuilder("bash", "-c", "exec " + command.replace(shownUrl, cluster.url()))
                  .redirectOutput(log.toFile())
                  .redirectErrorStream(true),
              // A user on host orders-a; the port in place of 8080.
              Map.of("IDMINT_PORT", Integer.toString(port), "IDMINT_INSTANCE", "orders-a"));
      try {
        List<String> shown = blocks.get(1);
        List<String> logged = new ArrayList<>();
        for (String line : shown) {
          String expected =
              line.replace(shownUrl, cluster.url()).replace(":8080 ", ":" + port + " ");
          String actual = awaitLine(p, log, expected.substring(0, expected.indexOf(':') + 1));
          assertTrue(shape(expected).matcher(actual).matches(), actual + "\n" + expected);
          logged.add(actual);
        }
        assertEquals(shown.size(), logged.size());
        Ran info = run(tmp, "curl -s localhost:" + port + "/v1/info", Map.of());
        String registry = info.out().replaceAll("(?s).*(\"registry\":\\{[^}]*}).*", "$1");
        String shownRegistry =
            after("docs/service.md", "DocsExamplesIT: registry-info", 1).get(0).get(0);
        assertEquals(keys(shownRegistry), keys(registry), info.out());
      } finally {
        stop(p);
      }
    }
  }

  @Test
  void harnessMd_httpRunAtMaelstromsDefaults_isValid_andPrintsTheSummaryShown() throws Exception {
    Tools.libfaketime(); // its clock fault
    List<List<String>> blocks = after("docs/harness.md", "DocsExamplesIT: http", 2);
    String command =
        commands(blocks.get(0)).stream()
            .filter(c -> c.endsWith("--nemesis kill,clock,partition,loss"))
            .findFirst()
            .orElseThrow();
    Path store = Files.createDirectories(tmp.resolve("store"));
    Ran r =
        run(
            tmp,
            command.replaceFirst("^bin/idmint test", "bin/idmint test --store " + store),
            Map.of());
    assertEquals(0, r.exit(), r.out() + r.err());
    List<String> summary = r.out().strip().lines().toList();
    List<String> shown = blocks.get(1);
    assertEquals(ReadmeCommandsIT.labels(shown), ReadmeCommandsIT.labels(summary), r.out());
    assertTrue(shape(shown.get(0)).matcher(summary.get(0)).matches(), summary.get(0));
    // The manual's excerpt of an --http summary: its lines are among this one's, in order.
    List<String> excerpt = after("docs/harness.md", "DocsExamplesIT: http-output", 1).get(0);
    List<String> labels = new ArrayList<>(ReadmeCommandsIT.labels(summary));
    for (String label : ReadmeCommandsIT.labels(excerpt)) {
      assertTrue(labels.contains(label), label + " is not in " + labels);
      labels.subList(0, labels.indexOf(label) + 1).clear();
    }
  }

  /** Each line as the line shown, every number standing for any. */
  private static void assertShapes(List<String> shown, List<String> actual) {
    assertEquals(shown.size(), actual.size(), String.join("\n", actual));
    for (int i = 0; i < shown.size(); i++) {
      assertTrue(
          shape(shown.get(i)).matcher(actual.get(i)).matches(),
          actual.get(i) + "\nis not like\n" + shown.get(i));
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: bin/idmint execs java, and serve drains and exits
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
