package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Black-box tests: bin/idmint as a process, NDJSON over pipes. */
@Timeout(120)
class NodeProcessIT {
  private static final Path SAMPLES =
      Launcher.ROOT.resolve("idmint-cli/src/test/resources/samples");

  /** Feeds {@code input}, closes stdin, and collects everything. */
  record Run(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  static Run run(Process p, byte[] input) throws Exception {
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(input);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node did not exit at end of input");
    return new Run(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(java.io.InputStream s) {
    try {
      return s.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static byte[] sampleIn() throws IOException {
    return Files.readAllBytes(SAMPLES.resolve("sample-1.in"));
  }

  static byte[] sampleExpected() throws IOException {
    return Files.readAllBytes(SAMPLES.resolve("sample-1.expected"));
  }

  @Test
  void sample_printsExpectedOutputByteForByte() throws Exception {
    Run r = run(Launcher.start(Map.of()), sampleIn());
    assertEquals(0, r.exit(), r.stderr());
    assertArrayEquals(sampleExpected(), r.stdout(), r.out());
  }

  @Test
  void fromAnotherDirectoryThroughASymlink_stillWorks(@TempDir Path tmp) throws Exception {
    Path link = tmp.resolve("idmint-link");
    Files.createSymbolicLink(link, Launcher.BIN);
    Run r = run(Launcher.start(link, tmp, Map.of()), sampleIn());
    assertArrayEquals(sampleExpected(), r.stdout(), r.out() + r.stderr());
  }

  @Test
  void jvmWarnings_goToStderr_neverStdout(@TempDir Path tmp) throws Exception {
    // A CDS archive made for another class path: the JVM warns through unified logging, which
    // writes to stdout unless the launcher routes it.
    Path jar =
        Files.copy(Launcher.ROOT.resolve("idmint-cli/target/idmint.jar"), tmp.resolve("other.jar"));
    Path archive = tmp.resolve("other.jsa");
    Process make =
        new ProcessBuilder(
                "java", "-XX:ArchiveClassesAtExit=" + archive, "-jar", jar.toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("make.log").toFile())
            .start();
    make.waitFor(); // the copy cannot find its libraries and fails, but the archive is made at exit
    assertTrue(Files.exists(archive), "no archive was made");
    // A deprecated option makes the JVM print a warning too.
    Run r =
        run(
            Launcher.start(
                Map.of(
                    "IDMINT_JAVA_OPTS", "-XX:+UseBiasedLocking -XX:SharedArchiveFile=" + archive)),
            sampleIn());
    assertArrayEquals(sampleExpected(), r.stdout(), r.out());
    assertTrue(r.stderr().contains("UseBiasedLocking"), r.stderr());
    assertTrue(r.stderr().contains("[cds"), r.stderr());
  }

  @Test
  void hostileInput_isReportedAndSkipped_andOnlyEnvelopesReachStdout() throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.write(NodeTest.INIT.getBytes(StandardCharsets.UTF_8));
    for (String junk :
        List.of(
            "",
            "garbage",
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":3",
            "{\"src\":\"c1\",\"dest\":\"n1\"}",
            "[\"src\",\"dest\",\"body\"]",
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{}}{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{}}",
            "nul\u0000byte")) {
      in.write((junk + "\n").getBytes(StandardCharsets.UTF_8));
    }
    in.write(new byte[] {(byte) 0xc3, (byte) 0x28, '\n'}); // invalid UTF-8
    byte[] huge = new byte[4 << 20];
    java.util.Arrays.fill(huge, (byte) '{');
    in.write(huge);
    in.write('\n');
    in.write(
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"msg_id\":4}}\n"
            .getBytes(StandardCharsets.UTF_8));
    in.write(NodeTest.generate(5).getBytes(StandardCharsets.UTF_8));

    Run r = run(Launcher.start(Map.of()), in.toByteArray());
    assertEquals(0, r.exit(), r.stderr());
    List<String> lines = r.out().lines().toList();
    for (String line : lines) {
      NodeTest.assertEnvelope(line);
    }
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(1).contains("\"in_reply_to\":4,\"msg_id\":1,\"code\":12"), lines.get(1));
    assertTrue(
        lines.get(2).contains("\"in_reply_to\":5,\"msg_id\":2,\"id\":\"n1-0\""), lines.get(2));
    assertEquals(
        9, r.stderr().lines().filter(l -> l.contains("skipped input line")).count(), r.stderr());
  }

  @Test
  void endOfInput_writesEveryReplyAndExitsZero() throws Exception {
    StringBuilder in = new StringBuilder(NodeTest.INIT);
    for (int k = 0; k < 1000; k++) {
      in.append(NodeTest.generate(k + 2));
    }
    Run r = run(Launcher.start(Map.of()), in.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(0, r.exit());
    assertEquals(1001, r.out().lines().count());
  }

  @Test
  void sigterm_exitsPromptly() throws Exception {
    Process p = Launcher.start(Map.of());
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    p.getOutputStream().write(NodeTest.INIT.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    assertTrue(out.readLine().contains("init_ok"));
    long t0 = System.nanoTime();
    p.destroy(); // SIGTERM; stdin stays open, as under Maelstrom
    assertTrue(p.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms < 2000, "took " + ms + " ms");
  }

  @Test
  void hundredThousandRequests_getUniqueIds() throws Exception {
    Process p = Launcher.start(Map.of());
    int n = 100_000;
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try (OutputStream in = new java.io.BufferedOutputStream(p.getOutputStream())) {
                in.write(NodeTest.INIT.getBytes(StandardCharsets.UTF_8));
                for (int k = 0; k < n; k++) {
                  in.write(NodeTest.generate(k + 2).getBytes(StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    CompletableFuture.runAsync(() -> readAll(p.getErrorStream()));
    Set<String> ids = new HashSet<>();
    Set<String> answered = new HashSet<>();
    Pattern reply = Pattern.compile("\"in_reply_to\":(\\d+),\"msg_id\":\\d+,\"id\":\"(n1-\\d+)\"");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertTrue(out.readLine().contains("init_ok"));
      for (int k = 0; k < n; k++) {
        String line = out.readLine();
        Matcher m = reply.matcher(line);
        assertTrue(m.find(), line);
        assertTrue(answered.add(m.group(1)), "answered twice: " + line);
        assertTrue(ids.add(m.group(2)), "duplicate id: " + line);
      }
      assertEquals(null, out.readLine());
    }
    writer.get();
    assertEquals(0, p.waitFor());
    assertEquals(n, ids.size());
  }

  @Test
  void helpAndVersion_work() throws Exception {
    Run help = run(Launcher.start(Map.of(), "--help"), new byte[0]);
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("Usage: idmint"), help.out());
    Run version = run(Launcher.start(Map.of(), "--version"), new byte[0]);
    assertEquals(0, version.exit());
    assertTrue(version.out().matches("idmint \\d+\\.\\d+\\.\\d+\\s*"), version.out());
  }

  @Test
  void badSetting_exitsWithClearMessage_andNothingOnStdout() throws Exception {
    Run r = run(Launcher.start(Map.of("IDMINT_SCHEME", "uuid")), sampleIn());
    assertEquals(254, r.exit());
    assertEquals("", r.out());
    assertTrue(r.stderr().contains("IDMINT_SCHEME=uuid"), r.stderr());
  }

  @Test
  void badFlag_exits254_withUsageHint() throws Exception {
    Run r = run(Launcher.start(Map.of(), "node", "--no-such-flag"), sampleIn());
    assertEquals(254, r.exit());
    assertEquals("", r.out());
    assertTrue(r.stderr().contains("--no-such-flag"), r.stderr());
  }
}
