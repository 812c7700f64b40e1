package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.id.HlcId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real node under libfaketime: its wall clock jumps while it serves, and across restarts. */
@Timeout(120)
class ClockFaultIT {
  /** A counter, snowflake or HLC ID; each becomes a number ordered as the IDs are. */
  private static final Pattern ID =
      Pattern.compile("\"id\":(\"n1-(\\d+)\"|(\\d+)|\"(\\d+)_(\\d+)_n1\")\\}\\}$");

  private static Path libfaketime;

  @BeforeAll
  static void findLibfaketime() {
    libfaketime = Tools.libfaketime();
  }

  /**
   * A node whose wall clock is offset by what {@code offsetFile} says (libfaketime syntax). Its
   * stderr goes to {@code log}, so that a full pipe can never stall it.
   */
  private static Process start(Path offsetFile, Map<String, String> env, Path log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(Launcher.BIN.toString()).directory(Launcher.ROOT.toFile());
    pb.environment().putAll(env);
    pb.environment().put("LD_PRELOAD", libfaketime.toString());
    pb.environment().put("FAKETIME_TIMESTAMP_FILE", offsetFile.toString());
    pb.environment().put("FAKETIME_NO_CACHE", "1"); // re-read the offset on every clock call
    pb.environment().put("DONT_FAKE_MONOTONIC", "1"); // the JVM's timers stay sane
    pb.environment().put("NO_FAKE_STAT", "1"); // file times stay real for the launcher and CDS
    return pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** Sends init, then {@code n} generates from {@code from} on, calling {@code midway} half way. */
  private static CompletableFuture<Void> feed(Process p, int from, int n, Runnable midway) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            OutputStream in = p.getOutputStream();
            in.write(
                NodeTest.INIT
                    .replace("[\"n1\"]", "[\"n0\",\"n1\",\"n2\"]")
                    .getBytes(StandardCharsets.UTF_8));
            for (int k = 0; k < n; k++) {
              if (k == n / 2) {
                in.flush();
                midway.run();
              }
              in.write(NodeTest.generate(from + k).getBytes(StandardCharsets.UTF_8));
            }
            in.flush();
          } catch (IOException e) {
            // the node was killed mid-burst: expected in the restart test
          }
        });
  }

  /** Reads replies until {@code n} IDs arrived or the output ends; returns the IDs as numbers. */
  private static List<Long> ids(Process p, int n) throws IOException {
    List<Long> ids = new ArrayList<>();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertTrue(line != null && line.contains("init_ok"), "no init_ok: " + line);
    while (ids.size() < n && (line = out.readLine()) != null) {
      Matcher m = ID.matcher(line);
      assertTrue(m.find(), line);
      ids.add(
          m.group(4) != null
              ? HlcId.pack(Long.parseLong(m.group(4)), Long.parseLong(m.group(5)))
              : Long.parseLong(m.group(2) != null ? m.group(2) : m.group(3)));
    }
    return ids;
  }

  @ParameterizedTest
  @ValueSource(strings = {"snowflake", "hlc"})
  void clockJumpsBackAnHourMidBurst_staysUniqueAndIncreasing(String scheme, @TempDir Path tmp)
      throws Exception {
    Path offset = Files.writeString(tmp.resolve("offset"), "+0");
    Path log = tmp.resolve("node.log");
    Process p = start(offset, Map.of("IDMINT_SCHEME", scheme), log);
    int n = 20_000;
    CompletableFuture<Void> writer = feed(p, 2, n, () -> write(offset, "-3600"));
    List<Long> ids = ids(p, n);
    writer.get();
    p.getOutputStream().close();
    assertEquals(0, p.waitFor());
    String stderr = Files.readString(log);
    assertEquals(n, ids.size());
    for (int k = 1; k < ids.size(); k++) {
      assertTrue(
          ids.get(k) > ids.get(k - 1),
          "not increasing at " + k + ": " + ids.get(k - 1) + " then " + ids.get(k));
    }
    // The jump really happened, and the node saw and reported it.
    assertTrue(stderr.contains("clock:") && stderr.contains("back"), stderr);
  }

  @ParameterizedTest
  @ValueSource(strings = {"snowflake", "counter", "hlc"})
  void killedMidBurst_andRestartedWithClockSetBack_neverReissues(String scheme, @TempDir Path tmp)
      throws Exception {
    Path offset = Files.writeString(tmp.resolve("offset"), "+0");
    Map<String, String> env =
        Map.of("IDMINT_SCHEME", scheme, "IDMINT_STATE_DIR", tmp.resolve("state").toString());
    List<Long> before = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      write(
          offset,
          round == 0 ? "+0" : "-" + (2 * round) + "h"); // each restart's clock is set further back
      Process p = start(offset, env, tmp.resolve("node.log"));
      CompletableFuture<Void> writer = feed(p, 2, 200_000, () -> {});
      List<Long> got = ids(p, 5_000 + round * 1_000); // a few thousand in, mid-burst ...
      p.destroyForcibly(); // ... SIGKILL, as Maelstrom and the kill nemesis do
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      writer.get();
      long maxBefore = before.stream().mapToLong(Long::longValue).max().orElse(-1);
      long minNow = got.stream().mapToLong(Long::longValue).min().orElseThrow();
      assertTrue(
          minNow > maxBefore,
          scheme + " round " + round + ": reissued below " + maxBefore + ": " + minNow);
      assertEquals(got.size(), new HashSet<>(got).size());
      before.addAll(got);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
