package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real {@code bin/idmint serve}, over real HTTP on loopback. */
@Timeout(120)
class ServeProcessIT {
  @TempDir Path tmp;

  private ServeProcess start(Map<String, String> env, String... args) throws IOException {
    return ServeProcess.start(tmp.resolve("serve-" + System.nanoTime() + ".log"), env, args);
  }

  @Test
  void startUpLine_andTheReadmeQuickStart() throws Exception {
    try (ServeProcess s = start(Map.of())) {
      String err = s.stderr();
      assertTrue(
          err.matches(
              "(?s)idmint serve: no worker id given, so this is worker 0; a fleet needs one worker"
                  + " id per instance .*\nidmint serve: listening on http://127\\.0\\.0\\.1:[0-9]+"
                  + " \\(epoll\\); scheme snowflake, worker 0 \\(default\\), node w0, state none"
                  + " \\(no --state-dir: a restart reissues IDs only if the clock went back\\)\n"),
          err);
      HttpResponse<String> r = s.get("/v1/ids?count=3");
      assertEquals(200, r.statusCode());
      assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
      assertEquals("no-store", r.headers().firstValue("cache-control").orElseThrow());
      assertTrue(r.body().matches("\\{\"ids\":\\[(\"[0-9]+\",){2}\"[0-9]+\"]}\n"), r.body());
    }
  }

  @Test
  void everyEndpoint_overHttp() throws Exception {
    try (ServeProcess s = start(Map.of("IDMINT_WORKER_ID", "9"), "--max-count", "500")) {
      // Snowflake IDs as strings, as numbers, as lines; GET and POST.
      Set<Long> seen = new HashSet<>();
      long last = -1;
      for (String q : List.of("", "?count=500", "?count=2&format=number")) {
        String body = s.get("/v1/ids" + q).body();
        for (String id : body.replaceAll("[^0-9,]", "").split(",")) {
          long v = Long.parseLong(id);
          assertTrue(v > last && seen.add(v));
          assertEquals(9, new SnowflakeId(v).worker());
          last = v;
        }
      }
      assertTrue(s.get("/v1/ids?format=number").body().matches("\\{\"ids\":\\[[0-9]+]}\n"));
      assertTrue(s.get("/v1/ids?count=3", "Accept", "text/plain").body().matches("([0-9]+\n){3}"));
      HttpResponse<String> post =
          s.send(
              HttpRequest.newBuilder(s.uri("/v1/ids"))
                  .POST(HttpRequest.BodyPublishers.ofString("count=4")),
              "Content-Type",
              "application/x-www-form-urlencoded");
      assertEquals(200, post.statusCode());
      assertEquals(4, post.body().split(",").length);

      // Decoding.
      HttpResponse<String> d = s.get("/v1/ids/" + last);
      assertEquals(200, d.statusCode());
      assertTrue(d.body().contains("\"worker\":9,"), d.body());
      assertTrue(d.body().contains("\"timestamp\":\"" + new SnowflakeId(last).timestamp() + "\""));
      assertTrue(s.get("/v1/ids/w3-12").body().contains("\"node\":\"w3\",\"n\":12"));

      // Info, health, readiness, metrics.
      String info = s.get("/v1/info").body();
      assertTrue(info.contains("\"scheme\":\"snowflake\",\"worker\":9,"), info);
      assertTrue(info.contains("\"worker_source\":\"IDMINT_WORKER_ID\""), info);
      assertTrue(info.contains("\"max_count\":500,"), info);
      assertTrue(info.contains("\"version\":\"0.2.0\""), info);
      assertEquals(200, s.get("/healthz").statusCode());
      assertEquals("{\"ready\":true}\n", s.get("/readyz").body());
      String metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("idmint_ids_issued_total 511.0"), metrics);

      // Errors.
      assertError(s.get("/v1/ids?count=501"), 400, "count must be an integer from 1 to 500");
      assertError(s.get("/v1/ids?count=abc"), 400, "got 'abc'");
      assertError(s.get("/v1/ids?format=xml"), 400, "format must be string or number");
      assertError(s.get("/v1/ids?cnt=2"), 400, "unknown parameter 'cnt'");
      assertError(s.get("/v1/ids/abc"), 400, "'abc' is not an ID");
      assertError(s.get("/v1/nope"), 404, "no such path '/v1/nope'");
      assertError(s.get("/v1/ids", "Accept", "image/png"), 406, "application/json or text/plain");
      HttpResponse<String> put =
          s.send(HttpRequest.newBuilder(s.uri("/v1/ids")).PUT(HttpRequest.BodyPublishers.noBody()));
      assertError(put, 405, "use GET, POST");
      assertEquals("GET, POST", put.headers().firstValue("allow").orElseThrow());
      HttpResponse<String> json =
          s.send(
              HttpRequest.newBuilder(s.uri("/v1/ids"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"count\":2}")),
              "Content-Type",
              "application/json");
      assertError(json, 415, "must be a form");
      HttpResponse<String> big =
          s.send(
              HttpRequest.newBuilder(s.uri("/v1/ids"))
                  .POST(HttpRequest.BodyPublishers.ofString("count=1&" + "x".repeat(5000))));
      assertError(big, 413, "larger than 4096 bytes");
      assertError(s.get("/v1/ids", "X-Big", "a".repeat(9000)), 431, "headers are too large");
      assertError(s.get("/v1/ids?" + "a".repeat(5000)), 414, "request line is too long");

      // Malformed HTTP: 400 and that connection closes; the next one is served.
      try (RawClient raw = new RawClient(s.address)) {
        raw.send("HELLO\r\n\r\n");
        String answer = raw.readToEnd();
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.contains("malformed HTTP request"), answer);
      }
      try (RawClient raw = new RawClient(s.address)) {
        assertEquals(200, raw.get("/v1/ids").status());
      }
    }
  }

  private static void assertError(HttpResponse<String> r, int status, String message) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    assertTrue(r.body().startsWith("{\"error\":\""), r.body());
    assertTrue(r.body().contains(message), r.body());
  }

  @Test
  void hlcScheme_withNode_issuesDecodesAndOrdersAfterAGivenId() throws Exception {
    try (ServeProcess s = start(Map.of(), "--scheme", "hlc", "--node", "east")) {
      assertTrue(s.stderr().contains("scheme hlc, node east, state none"), s.stderr());
      assertFalse(s.stderr().contains("no worker id given"), s.stderr()); // HLC needs none
      String body = s.get("/v1/ids?count=3").body();
      assertTrue(
          body.matches("\\{\"ids\":\\[(\"[0-9]+_[0-9]+_east\",){2}\"[0-9]+_[0-9]+_east\"]}\n"),
          body);
      String first = body.substring(9, body.indexOf('"', 9));
      HttpResponse<String> decoded = s.get("/v1/ids/" + first);
      assertEquals(200, decoded.statusCode());
      assertTrue(decoded.body().contains("\"scheme\":\"hlc\""), decoded.body());
      assertTrue(s.get("/v1/info").body().contains("\"layout\":\"<pt>_<lc>_<node>\""));
      // Without state, IDs start the max lead (10 s) ahead: one seen at the bound is above them.
      HlcId seen = new HlcId(System.currentTimeMillis() + 10_000, 7, "west");
      String after = s.get("/v1/ids?after=" + seen).body();
      assertEquals(
          "{\"ids\":[\"" + seen.pt() + "_8_east\"]}\n", after, "the HLC receive rule over HTTP");
      assertError(s.get("/v1/ids?after=n1-5"), 400, "after must be a hlc ID");
    }
  }

  @Test
  void counterScheme_withNode() throws Exception {
    try (ServeProcess s = start(Map.of("IDMINT_SCHEME", "counter"), "--node", "east")) {
      assertEquals(
          "{\"ids\":[\"east-0\",\"east-1\",\"east-2\"]}\n", s.get("/v1/ids?count=3").body());
      assertTrue(s.stderr().contains("scheme counter, node east, state none"), s.stderr());
      assertFalse(s.stderr().contains("no worker id given"), s.stderr()); // counters need none
    }
  }

  @Test
  void metrics_passPromtool() throws Exception {
    try (ServeProcess s = start(Map.of(), "--worker-id", "1")) {
      s.get("/v1/ids?count=10");
      s.get("/v1/nope");
      s.get("/readyz");
      String metrics = s.get("/metrics").body();
      ServeProcess.checkWithPromtool(metrics, tmp);
      for (String name :
          List.of(
              "idmint_ids_issued_total 10.0",
              "idmint_ids_delivered_total 10.0",
              "idmint_http_request_duration_seconds_bucket{route=\"/v1/ids\",le=\"10.0\"} 1",
              "jvm_memory_used_bytes{area=\"heap\"} ",
              "jvm_gc_collection_seconds_count{gc=",
              "jvm_threads_current ",
              "jvm_buffer_pool_used_bytes{pool=\"direct\"} ",
              "idmint_http_requests_total{code=\"404\",route=\"other\"} 1.0",
              "idmint_http_request_duration_seconds_bucket{route=\"/v1/ids\",le=\"+Inf\"} 1",
              "idmint_clock_lead_seconds ",
              "idmint_clock_backward_jumps_total 0.0",
              "idmint_clock_largest_backward_jump_seconds 0.0",
              "idmint_ready 1.0",
              "idmint_service_info{node=\"w1\",scheme=\"snowflake\",version=\"0.2.0\",worker=\"1\"} 1")) {
        assertTrue(metrics.contains(name), name + " missing from\n" + metrics);
      }
    }
  }

  @Test
  void workerIdFromHostname_takesTheStatefulSetOrdinal() throws Exception {
    try (ServeProcess s =
        start(Map.of("HOSTNAME", "idmint-7"), "--worker-id-from-hostname=idmint")) {
      assertTrue(s.stderr().contains("worker 7 (from host name idmint-7), node w7"), s.stderr());
      String id = s.get("/v1/ids").body().replaceAll("[^0-9]", "");
      assertEquals(7, ((SnowflakeId) Id.parse(id)).worker());
      assertTrue(
          s.get("/v1/info").body().contains("\"worker_source\":\"host name idmint-7\""),
          s.get("/v1/info").body());
    }
    try (ServeProcess s =
        start(Map.of("HOSTNAME", "idmint-1023", "IDMINT_WORKER_ID_FROM_HOSTNAME", "idmint"))) {
      assertTrue(s.stderr().contains("worker 1023 (from host name idmint-1023)"), s.stderr());
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "HOSTNAME=idmint|--worker-id-from-hostname=idmint|first label is idmint-<ordinal>, the"
            + " ordinal 0..1023 without leading zeros",
        "HOSTNAME=idmint-1024|--worker-id-from-hostname=idmint|the host name is 'idmint-1024'",
        "HOSTNAME=idmint-007|--worker-id-from-hostname=idmint|the host name is 'idmint-007'",
        "HOSTNAME=ip-10-0-1-23.ec2.internal|--worker-id-from-hostname=ip|the host name is"
            + " 'ip-10-0-1-23.ec2.internal'",
        "X=1|--shutdown-delay-ms -5|shutdown delay must be 0..600000 ms",
        "X=1|--worker-id 1024|worker id must be 0..1023, got 1024",
        "X=1|--scheme uuid|unknown scheme 'uuid'",
        "X=1|--port 70000|port must be 0..65535",
        "X=1|--max-count 0|max count must be 1..100000",
        "IDMINT_WORKER_ID=abc|--port 0|IDMINT_WORKER_ID=abc: not an integer",
        "X=1|--node a/b|node name 'a/b' must be",
        "X=1|--worker-id 1 --worker-id-from-hostname=idmint|not both",
        "X=1|--bogus|Unknown option: '--bogus'",
      })
  void badSettings_exit254WithAMessage(String env, String args, String message) throws Exception {
    String[] kv = env.split("=", 2);
    Path log = tmp.resolve("bad.log");
    List<String> cmd = new ArrayList<>(List.of(ServeProcess.BIN.toString(), "serve"));
    cmd.addAll(List.of(args.split(" ")));
    Process p = ServeProcess.launch(new ProcessBuilder(cmd), log, Map.of(kv[0], kv[1]));
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(254, p.exitValue(), ServeProcess.read(log));
    assertTrue(ServeProcess.read(log).contains(message), ServeProcess.read(log));
  }

  @Test
  void twoProcessesOnOneWorker_theSecondExits254NamingTheWorker_otherWorkersShareTheDir()
      throws Exception {
    Path state = tmp.resolve("state");
    try (ServeProcess first =
        start(Map.of(), "--state-dir", state.toString(), "--worker-id", "3")) {
      Path log = tmp.resolve("second.log");
      Process second =
          ServeProcess.launch(
              new ProcessBuilder(
                  ServeProcess.command("--state-dir", state.toString(), "--worker-id", "3")),
              log,
              Map.of());
      assertTrue(second.waitFor(60, TimeUnit.SECONDS));
      String err = ServeProcess.read(log);
      assertEquals(254, second.exitValue(), err);
      assertTrue(
          err.contains(
              "idmint serve: worker 3 is in use by another process (pid "
                  + first.process.pid()
                  + ")"),
          err);
      assertFalse(err.contains("listening on"), err);
      assertEquals(200, first.get("/v1/ids").statusCode()); // the first goes on
      // Another worker in the same dir has a file of its own.
      try (ServeProcess other =
          start(Map.of(), "--state-dir", state.toString(), "--worker-id", "4")) {
        assertEquals(200, other.get("/v1/ids").statusCode());
      }
    }
  }

  @Test
  void sigterm_stopsAccepting_finishesInFlight_exits0() throws Exception {
    try (ServeProcess s = start(Map.of(), "--worker-id", "1");
        RawClient busy = new RawClient(s.address)) {
      busy.send(
          "POST /v1/ids HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              + "Content-Length: 7\r\n\r\ncou"); // in flight: the body is not all there
      ServeProcess.sleep(200);
      s.process.destroy(); // SIGTERM
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      boolean refused = false;
      while (!refused && System.nanoTime() < deadline) {
        try {
          new Socket(s.address.getAddress(), s.address.getPort()).close();
          ServeProcess.sleep(20);
        } catch (ConnectException e) {
          refused = true;
        }
      }
      assertTrue(refused, "still accepting after SIGTERM");
      assertTrue(s.process.isAlive(), "exited with a request in flight");
      busy.send("nt=5");
      HttpResponses.Response r = busy.read();
      assertEquals(200, r.status());
      assertEquals("close", r.header("Connection"));
      assertEquals(5, r.body().split(",").length);
      assertEquals(0, s.waitFor(10));
      assertTrue(s.stderr().endsWith("idmint serve: stopped\n"), s.stderr());
    }
  }

  @Test
  void pipelined_withPausedReader_answersAllWithinMemoryCap() throws Exception {
    int n = 300;
    try (ServeProcess s = start(Map.of(), "--worker-id", "1");
        RawClient paused = new RawClient(s.address)) {
      paused.send("GET /v1/ids?count=10000 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(n));
      long pauseUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < pauseUntil) { // others are served while this reader pauses
        long t0 = System.nanoTime();
        assertEquals(200, s.get("/v1/ids?count=10").statusCode());
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(took < 2000, "another client waited " + took + " ms");
        ServeProcess.sleep(100);
      }
      for (int i = 0; i < n; i++) {
        HttpResponses.Response r = paused.read();
        assertEquals(200, r.status(), r.body());
        assertEquals(10_000, r.body().split(",").length);
      }
      long peakKib = peakRssKib(s.process.pid());
      assertTrue(peakKib <= 256 * 1024, "peak RSS " + peakKib + " KiB");
      assertFalse(s.stderr().contains("OutOfMemoryError"), s.stderr());
      String m = s.get("/metrics").body();
      long issued = metric(m, "idmint_ids_issued_total");
      assertTrue(issued >= n * 10_000L, m);
      assertEquals(issued, metric(m, "idmint_ids_delivered_total"), m);
    }
  }

  private static long peakRssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no VmHWM for pid " + pid);
  }

  private static long metric(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " not in\n" + metrics);
  }

  @Test
  void sigterm_withADelay_isUnreadyAtOnce_servesThroughTheDelay_thenDrains() throws Exception {
    try (ServeProcess s = start(Map.of("IDMINT_SHUTDOWN_DELAY_MS", "2000"), "--worker-id", "1")) {
      s.process.destroy(); // SIGTERM
      HttpResponse<String> ready = awaitReadyz(s, 503);
      assertEquals(503, ready.statusCode());
      assertEquals("1", ready.headers().firstValue("retry-after").orElseThrow());
      assertEquals(200, s.get("/v1/ids").statusCode()); // still served, on a new connection
      assertTrue(s.process.isAlive());
      assertEquals(0, s.waitFor(15));
      assertTrue(
          s.stderr().contains("serving on for the shutdown delay (2000 ms), then draining"),
          s.stderr());
    }
  }

  @Test
  void sigterm_withInputStillArriving_finishesTheAnswerThenFin() throws Exception {
    try (ServeProcess s = start(Map.of(), "--worker-id", "1");
        RawClient c = new RawClient(s.address)) {
      c.send("GET /v1/ids?count=10000 HTTP/1.1\r\nHost: x\r\n");
      ServeProcess.sleep(200);
      s.process.destroy(); // SIGTERM: the request in flight is answered with Connection: close
      ServeProcess.sleep(200);
      c.send("\r\n");
      AutoCloseable sending = c.keepSending("GET /v1/ids HTTP/1.1\r\nHost: x\r\n\r\n", 0);
      try {
        String all = c.readToEnd(); // a reset would throw: Connection reset
        List<HttpResponses.Response> rs =
            HttpResponses.parse(all.getBytes(StandardCharsets.ISO_8859_1), false);
        assertEquals(1, rs.size());
        assertEquals("close", rs.get(0).header("Connection"));
        assertEquals(10_000, rs.get(0).body().split(",").length);
      } finally {
        sending.close();
      }
      assertEquals(0, s.waitFor(15));
    }
  }

  @Test
  void sigterm_withARequestThatNeverCompletes_exits0AfterFiveSeconds() throws Exception {
    try (ServeProcess s = start(Map.of(), "--worker-id", "1");
        RawClient stuck = new RawClient(s.address)) {
      stuck.send("GET /v1/ids HTTP/1.1\r\n");
      ServeProcess.sleep(200);
      long t0 = System.nanoTime();
      s.process.destroy();
      assertEquals(0, s.waitFor(30));
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(took >= 4500 && took < 15_000, took + " ms");
      assertTrue(s.stderr().contains("1 connection(s) were cut after the drain timeout"));
    }
  }

  @Test
  void slowHeaderClient_doesNotBlockOthers_andIsCutAfterTheRequestTimeout() throws Exception {
    try (ServeProcess s = start(Map.of(), "--worker-id", "1");
        RawClient slow = new RawClient(s.address);
        RawClient fast = new RawClient(s.address)) {
      long t0 = System.nanoTime();
      slow.send("GET /v1/ids HTTP/1.1\r\n");
      long worst = 0;
      for (int i = 0; i < 16; i++) { // about 8 s of dripping headers
        slow.send("X-Drip-" + i + ": .\r\n");
        long r0 = System.nanoTime();
        assertEquals(200, fast.get("/v1/ids").status());
        worst = Math.max(worst, System.nanoTime() - r0);
        ServeProcess.sleep(500);
      }
      assertTrue(worst < TimeUnit.SECONDS.toNanos(5), "a fast request took " + worst + " ns");
      String rest = slow.readToEnd();
      long cutAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(rest.startsWith("HTTP/1.1 408 Request Timeout"), rest);
      assertTrue(cutAfter >= 9_000 && cutAfter < 20_000, cutAfter + " ms");
      assertEquals(200, fast.get("/v1/ids").status());
    }
  }

  @Test
  void stateThatCannotBeRenewed_is503AndUnready_untilItCanAgain() throws Exception {
    Path state = tmp.resolve("state");
    Path moved = tmp.resolve("state.moved");
    try (ServeProcess s = start(Map.of(), "--state-dir", state.toString(), "--worker-id", "2")) {
      assertEquals(200, s.get("/readyz").statusCode());
      Files.move(state, moved);
      Files.writeString(state, "a file where the state dir was");
      // Within the current lease (1 s ahead) IDs are still covered; after it, none goes out.
      HttpResponse<String> r = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        r = s.get("/v1/ids?count=100");
        if (r.statusCode() != 200) {
          break;
        }
        ServeProcess.sleep(50);
      }
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.body().contains("cannot write state file"), r.body());
      assertEquals(503, awaitReadyz(s, 503).statusCode());
      assertTrue(s.get("/readyz").body().contains("state cannot be written"));

      Files.delete(state);
      Files.move(moved, state);
      assertEquals(200, awaitReadyz(s, 200).statusCode());
      assertEquals(200, s.get("/v1/ids?count=100").statusCode());
    }
  }

  private static HttpResponse<String> awaitReadyz(ServeProcess s, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<String> r;
    do {
      r = s.get("/readyz");
      if (r.statusCode() == status) {
        return r;
      }
      ServeProcess.sleep(100);
    } while (System.nanoTime() < deadline);
    return r;
  }

  @Test
  void noStateDir_infoSaysNull() throws Exception {
    try (ServeProcess s = start(Map.of(), "--worker-id", "1")) {
      assertTrue(s.get("/v1/info").body().contains("\"state\":null"));
      assertNull(s.get("/v1/ids/5").headers().firstValue("cache-control").orElse(null));
    }
  }
}
