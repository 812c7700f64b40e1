package dev.idmint.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pause, for real: a holder in a JVM of its own is SIGSTOPped past its TTL; a new holder, its
 * clock an hour behind, takes the worker; the old one is SIGCONTed and asked for IDs at once. Not
 * one duplicate, the new holder's IDs all above the old one's, and the old one has lost its claim.
 */
class PausedHolderTest {
  static final long HOUR = 3_600_000;

  @TempDir Path dir;
  EtcdCluster cluster;
  Process holder;
  BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  Writer commands;

  @BeforeEach
  void startCluster() throws Exception {
    EtcdCluster.requireEtcd();
    cluster = EtcdCluster.start(dir, 3);
  }

  @AfterEach
  void stop() throws Exception {
    if (holder != null) {
      holder.destroyForcibly(); // SIGKILL ends a stopped process too
      holder.waitFor(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void holderSigstoppedPastTtl_successorWithClockAnHourBehind_issuesOnlyAbove_andOldOneStops()
      throws Exception {
    startHolder(
        "etcd://127.0.0.1:" + cluster.clientPort(0) + ",127.0.0.1:" + cluster.clientPort(1));
    String hello = next();
    assertTrue(hello.startsWith("worker "), hello);
    int worker = Integer.parseInt(hello.substring("worker ".length()));
    List<Long> old = ids(ask("ids 10000"));

    EtcdCluster.signal(holder.pid(), "STOP");
    Etcd.awaitFree(Etcd.client(cluster.url()), "pause", worker);

    List<Long> successor = new ArrayList<>();
    long ownClock = System.currentTimeMillis() - HOUR;
    try (EtcdRegistry registry =
            EtcdRegistry.builder(cluster.url())
                .fleet("pause")
                .instance("new")
                .workerIds(worker, worker)
                .ttl(Duration.ofSeconds(2))
                .build();
        IdGenerator ids =
            IdFactory.builder()
                .scheme(Scheme.SNOWFLAKE)
                .node("new")
                .registry(registry)
                .clock(() -> System.currentTimeMillis() - HOUR)
                .events(e -> {})
                .build()) {
      assertTrue(registry.status().state() == EtcdRegistry.State.HELD);
      for (int i = 0; i < 10; i++) {
        long[] batch = new long[1000];
        ids.nextLongs(batch, 0, batch.length);
        for (long id : batch) {
          successor.add(id);
        }
      }
      assertTrue(
          new SnowflakeId(successor.get(0)).timestamp().toEpochMilli() > ownClock + HOUR / 2,
          "started after the old holder's time, not at its own clock");

      EtcdCluster.signal(holder.pid(), "CONT");
      String after = ask("ids 10000");
      old.addAll(after.startsWith("ids") ? ids(after) : List.of());
      assertTrue(after.startsWith("error "), "the old holder issued after the takeover: " + after);
      assertTrue(after.contains("lost worker " + worker), after);

      Set<Long> all = new HashSet<>(old);
      for (long id : successor) {
        assertTrue(all.add(id), "issued twice: " + id);
      }
      long oldMax = old.stream().mapToLong(Long::longValue).max().getAsLong();
      assertTrue(successor.stream().allMatch(id -> id > oldMax));
      assertEquals(EtcdRegistry.State.HELD, registry.status().state());
      assertEquals(1, registry.status().takeovers());
    }
    assertEquals("state lost", ask("state"));
    assertEquals("bye", ask("quit"));
  }

  private void startHolder(String url) throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    holder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                classpath,
                HolderProcess.class.getName(),
                url,
                "pause",
                "old",
                "0-1023",
                "2",
                "0")
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("holder.err").toFile()))
            .start();
    commands = new OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("eof " + e);
              }
            },
            "holder-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private String ask(String command) throws Exception {
    commands.write(command + "\n");
    commands.flush();
    return next();
  }

  private String next() throws Exception {
    String line = lines.poll(60, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("the holder said nothing for 60 s; stderr: " + stderr());
    }
    return line;
  }

  private String stderr() {
    try {
      return java.nio.file.Files.readString(dir.resolve("holder.err"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static List<Long> ids(String line) {
    assertTrue(line.startsWith("ids "), line);
    List<Long> ids = new ArrayList<>();
    for (String s : line.substring(4).split(" ")) {
      ids.add(Long.parseLong(s));
    }
    return ids;
  }
}
