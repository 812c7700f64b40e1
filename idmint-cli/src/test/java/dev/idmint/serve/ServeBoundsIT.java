package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.SnowflakeId;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service held to its bounds: the lead under a flood, restarts without state, counter
 * {@code after=} at the top of its range, and a full disk.
 */
@Timeout(180)
class ServeBoundsIT {
  private static final Pattern LEAD = Pattern.compile("\"lead_ms\":(-?[0-9]+)");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  @TempDir Path tmp;

  private ServeProcess start(String... args) throws IOException {
    return ServeProcess.start(tmp.resolve("serve-" + System.nanoTime() + ".log"), Map.of(), args);
  }

  private static List<Long> ids(String body) {
    List<Long> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(body);
    while (m.find()) {
      out.add(Long.parseLong(m.group()));
    }
    return out;
  }

  private static double metric(ServeProcess s, String name) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E]+)$")
            .matcher(s.get("/metrics").body());
    assertTrue(m.find(), name);
    return Double.parseDouble(m.group(1));
  }

  /**
   * Connections that each pipeline a few {@code count=10000} requests at a time and read the
   * answers as fast as they come, discarding the IDs: more demand than a worker's 4,096 IDs per ms.
   */
  private static final class Flood implements AutoCloseable {
    final AtomicLong ids = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong other = new AtomicLong();
    final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Flood(InetSocketAddress address, int connections, long maxNanos) {
      long deadline = System.nanoTime() + maxNanos;
      byte[] request = "GET /v1/ids?count=10000 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4).getBytes();
      for (int c = 0; c < connections; c++) {
        Thread t =
            new Thread(
                () -> {
                  try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                    while (!stop.get() && System.nanoTime() < deadline) {
                      out.write(request);
                      for (int k = 0; k < 4; k++) {
                        read(in);
                      }
                    }
                  } catch (IOException e) {
                    problems.add(e.toString());
                  }
                },
                "flood-" + c);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    private void read(InputStream in) throws IOException {
      String status = line(in);
      int length = -1;
      boolean retryAfter = false;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        String lower = h.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring(15).trim());
        } else if (lower.startsWith("retry-after:")) {
          retryAfter = true;
        }
      }
      in.skipNBytes(length);
      if (status.startsWith("HTTP/1.1 200 ")) {
        ids.addAndGet(10_000);
      } else if (status.startsWith("HTTP/1.1 503 ") && retryAfter) {
        refused.incrementAndGet();
      } else {
        other.incrementAndGet();
        problems.add(status);
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("closed mid-response");
        }
        if (b != '\r') {
          sb.append((char) b);
        }
      }
      return sb.toString();
    }

    /** Stops the connections and waits for them. */
    void stop() {
      stop.set(true);
      for (Thread t : threads) {
        try {
          t.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public void close() {
      stop();
    }
  }

  @Test
  void floodOfFullBatches_neverRunsIdsPastTheMaxLead_andIdsGoOutAtTheClocksRate() throws Exception {
    try (ServeProcess s = start("--worker-id", "1", "--max-lead-ms", "1000");
        RawClient sampler = new RawClient(s.address)) {
      // IDs start at the bound, the wall clock + 1 s, after the JVM started.
      java.time.Instant started = s.process.info().startInstant().orElseThrow();
      long worst = Long.MIN_VALUE;
      int samples = 0;
      long floodNanos = TimeUnit.SECONDS.toNanos(6);
      try (Flood flood = new Flood(s.address, 4, floodNanos)) {
        long end = System.nanoTime() + floodNanos;
        while (System.nanoTime() < end) {
          Matcher m = LEAD.matcher(sampler.get("/v1/info").body());
          assertTrue(m.find());
          worst = Math.max(worst, Long.parseLong(m.group(1)));
          samples++;
          ServeProcess.sleep(50);
        }
        flood.stop();
        long elapsedMs = java.time.Duration.between(started, java.time.Instant.now()).toMillis();
        assertEquals(List.of(), flood.problems);
        assertTrue(samples > 20, samples + " samples");
        assertTrue(worst <= 1_003, "lead " + worst + " ms past the 1 s bound");
        // Demand exceeded the clock: requests waited for it (on the event loop's timer).
        assertTrue(metric(s, "idmint_lead_bound_waits_total") > 0, s.stderr());
        // Past the bound IDs go out no faster than the clock: 4,096 a ms, and the 1 s at the start.
        long ids = (long) metric(s, "idmint_ids_delivered_total");
        assertTrue(ids >= flood.ids.get() && ids > 4_096_000, ids + " IDs");
        assertTrue(ids <= 4_096L * (elapsedMs + 1_000 + 5), ids + " IDs in " + elapsedMs + " ms");
      }
    }
  }

  /**
   * The scenario: without --state-dir, an after= near the bound and a few bursts, then
   * SIGKILL and a restart. The new life starts past the wall clock plus the max lead, which no ID
   * of the old life passed, so it reissues nothing.
   */
  @Test
  void restartWithoutState_afterAnAfterNearTheBoundAndBursts_reissuesNothing() throws Exception {
    long oldMax = -1;
    ServeProcess first = start("--worker-id", "2");
    try {
      // Worker 3's ID from a clock 9.9 s ahead: within the 10 s bound, so it is followed.
      long seen = (System.currentTimeMillis() + 9_900 - SnowflakeId.EPOCH_MILLIS) << 22 | 3L << 12;
      HttpResponse<String> r = first.get("/v1/ids?after=" + seen);
      assertEquals(200, r.statusCode(), r.body());
      for (int k = 0; k < 5; k++) {
        for (long v : ids(first.get("/v1/ids?count=10000").body())) {
          assertTrue(v > oldMax);
          oldMax = v;
        }
      }
      assertTrue(oldMax > seen);
    } finally {
      first.kill(); // SIGKILL: nothing written, nothing remembered
    }
    try (ServeProcess second = start("--worker-id", "2")) {
      long wall = System.currentTimeMillis();
      List<Long> again = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        again.addAll(ids(second.get("/v1/ids?count=10000").body()));
      }
      long min = again.stream().mapToLong(Long::longValue).min().orElseThrow();
      assertTrue(min > oldMax, "reissued: " + min + " <= " + oldMax);
      long ahead = new SnowflakeId(min).timestamp().toEpochMilli() - wall;
      assertTrue(ahead > 9_000, "the new life starts about the max lead ahead: " + ahead + " ms");
    }
  }

  /**
   * A counter after= at 2^61 is followed and written to the state file; one past it is refused
   * (422, counted); the state written then is one a restart accepts.
   */
  @Test
  void counterAfterAtTheTopOfItsRange_thenRestart_startsAndGoesOnAboveIt() throws Exception {
    Path state = tmp.resolve("state");
    String[] args = {"--scheme", "counter", "--node", "c1", "--state-dir", state.toString()};
    long top = 1L << 61;
    try (ServeProcess s = start(args)) {
      HttpResponse<String> ok = s.get("/v1/ids?count=3&after=c9-" + top);
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals(
          "{\"ids\":[\"c1-"
              + (top + 1)
              + "\",\"c1-"
              + (top + 2)
              + "\",\"c1-"
              + (top + 3)
              + "\"]}\n",
          ok.body());
      HttpResponse<String> refused = s.get("/v1/ids?after=c9-" + (top + 1));
      assertEquals(422, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("must be 0.." + top), refused.body());
      assertEquals(1.0, metric(s, "idmint_after_refused_total"));
      assertEquals(200, s.get("/v1/ids?count=5000").statusCode()); // past the first block
      s.kill();
    }
    try (ServeProcess again = start(args)) {
      assertTrue(again.stderr().contains("(resumed: IDs go on from c1-"), again.stderr());
      long n = ids(again.get("/v1/ids").body().replace("c1-", "")).get(0);
      assertTrue(n > top + 5003, n + " after " + (top + 5003));
    }
  }

  /**
   * A full disk (a 64 KiB tmpfs, filled): renewals fail, IDs stop once the lease runs out (503 with
   * Retry-After), /readyz is 503, the failure is logged once and counted; failed requests take no
   * time. Once space is freed, /readyz polls bring readiness back by themselves, and IDs go on,
   * unique and increasing across the outage.
   */
  @Test
  void fullDisk_is503AndUnready_loggedOnceAndCounted_recoversByItselfWhenSpaceIsFreed()
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tmpfs"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.toString())
            .redirectErrorStream(true)
            .start();
    String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        mount.waitFor() == 0, "cannot mount a tmpfs here (CI runs as root): " + why.trim());
    try {
      fullDisk(dir);
    } finally {
      new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor();
    }
  }

  private void fullDisk(Path dir) throws Exception {
    Path fill = dir.resolve("fill");
    try (ServeProcess s = start("--worker-id", "6", "--state-dir", dir.toString());
        RawClient c = new RawClient(s.address)) {
      List<Long> issued = new ArrayList<>(ids(c.get("/v1/ids?count=100").body()));
      assertEquals(200, c.get("/readyz").status());
      try (OutputStream out = Files.newOutputStream(fill)) {
        byte[] page = new byte[4096];
        while (true) {
          out.write(page);
          out.flush();
        }
      } catch (IOException e) {
        assertTrue(e.getMessage().contains("No space left on device"), e.toString());
      }
      // The lease (1 s ahead) still covers IDs for a moment; then none goes out.
      HttpResponses.Response r = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        r = c.get("/v1/ids?count=100");
        if (r.status() != 200) {
          break;
        }
        issued.addAll(ids(r.body()));
        ServeProcess.sleep(20);
      }
      assertEquals(503, r.status(), r.body());
      assertEquals("1", r.header("Retry-After"));
      assertTrue(r.body().contains("No space left on device"), r.body());
      HttpResponses.Response unready = c.get("/readyz");
      assertEquals(503, unready.status());
      assertTrue(unready.body().contains("No space left on device"), unready.body());
      // 2,000 failed requests of 10,000 IDs: 5 s of the worker's clock, had they taken any.
      for (int k = 0; k < 2_000; k++) {
        assertEquals(503, c.get("/v1/ids?count=10000").status());
      }
      assertTrue(metric(s, "idmint_state_write_failures_total") >= 2);
      String err = s.stderr();
      assertEquals(1, err.split("No space left on device", -1).length - 1, err);

      Files.delete(fill);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (c.get("/readyz").status() != 200 && System.nanoTime() < deadline) {
        ServeProcess.sleep(100); // only polls: the probe writes the state off the event loop
      }
      assertEquals(200, c.get("/readyz").status());
      assertTrue(s.stderr().contains(" again; ready ("), s.stderr());
      long wall = System.currentTimeMillis();
      List<Long> after = ids(c.get("/v1/ids?count=1000").body());
      assertEquals(1000, after.size());
      long lead = new SnowflakeId(after.get(0)).timestamp().toEpochMilli() - wall;
      assertTrue(lead < 500, "failed requests took no time: the first ID is " + lead + " ms ahead");
      issued.addAll(after);
      for (int k = 1; k < issued.size(); k++) {
        assertTrue(issued.get(k) > issued.get(k - 1), "increasing at " + k);
      }
      assertEquals(issued.size(), new HashSet<>(issued).size());
      assertFalse(issued.isEmpty());
    }
  }
}
