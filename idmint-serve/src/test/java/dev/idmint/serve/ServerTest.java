package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server on real loopback sockets, in this JVM. */
@Timeout(60)
class ServerTest {
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<Server> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(Server::close);
  }

  private Server start(ServeConfig config) throws Server.StartException {
    return start(config, Epoll.isAvailable());
  }

  private Server start(ServeConfig config, boolean epoll) throws Server.StartException {
    Server s = Server.start(config.withPort(0), log::add, epoll);
    servers.add(s);
    return s;
  }

  private static ServeConfig limits(
      int maxConnections, Duration request, Duration idle, Duration drain) {
    return ServeConfig.defaults()
        .withLimits(
            new ServeConfig.Limits(
                10_000, maxConnections, 4096, request, idle, Duration.ZERO, drain));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void servesOverEpollAndNio(boolean epoll) throws Exception {
    if (epoll) {
      assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
    }
    Server s = start(ServeConfig.defaults(), epoll);
    assertTrue(s.describe().contains(epoll ? "(epoll)" : "(nio)"), s.describe());
    try (RawClient c = new RawClient(s.address())) {
      for (int i = 0; i < 3; i++) {
        HttpResponses.Response r = c.get("/v1/ids?count=10");
        assertEquals(200, r.status());
        assertEquals(10, Fixture.ids(r.body()).size());
      }
      assertEquals(epoll ? "epoll" : "nio", Fixture.field(c.get("/v1/info").body(), "transport"));
    }
  }

  @Test
  void describe_namesAddressSchemeWorkerAndState(@TempDir Path dir) throws Exception {
    Server s = start(ServeConfig.defaults().withStateDir(dir));
    String line = s.describe();
    assertTrue(
        line.matches(
            "idmint serve: listening on http://127\\.0\\.0\\.1:[0-9]+ \\((epoll|nio)\\); scheme"
                + " snowflake, worker 0 \\(default\\), node w0, state .*w0\\.state \\(created\\)"),
        line);
  }

  @Test
  void connectionsBeyondTheLimit_areClosedAtOnce_othersServed() throws Exception {
    Server s =
        start(limits(2, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    try (RawClient a = new RawClient(s.address());
        RawClient b = new RawClient(s.address())) {
      assertEquals(200, a.get("/healthz").status());
      assertEquals(200, b.get("/healthz").status());
      try (RawClient c = new RawClient(s.address())) {
        assertTrue(c.closedWithin(5000), "the third connection was not closed");
      }
      assertEquals(200, a.get("/healthz").status());
      String m = a.get("/metrics").body();
      assertTrue(m.contains("idmint_http_connections_rejected_total 1.0"), m);
      assertTrue(m.contains("idmint_http_connections 2.0"), m);
    }
    // Closed connections free their places.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try (RawClient c = new RawClient(s.address())) {
        assertEquals(200, c.get("/healthz").status());
        break;
      } catch (IOException e) {
        assertTrue(System.nanoTime() < deadline, "no place freed: " + e);
        Thread.sleep(20);
      }
    }
  }

  @Test
  void slowHeaders_get408AndClose_whileOthersAreServed() throws Exception {
    Server s =
        start(limits(100, Duration.ofMillis(400), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    try (RawClient slow = new RawClient(s.address());
        RawClient fast = new RawClient(s.address())) {
      long t0 = System.nanoTime();
      slow.send("GET /v1/ids HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
      for (int i = 0; i < 20; i++) {
        slow.send("X-Drip: " + i + "\r\n");
        assertEquals(200, fast.get("/v1/ids").status());
        Thread.sleep(10);
      }
      String rest = slow.readToEnd();
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(rest.startsWith("HTTP/1.1 408 Request Timeout\r\n"), rest);
      assertTrue(rest.contains("did not arrive whole within 400 ms"), rest);
      assertTrue(waited >= 350 && waited < 5000, waited + " ms");
      assertEquals(200, fast.get("/v1/ids").status());
      assertTrue(fast.get("/metrics").body().contains("idmint_http_request_timeouts_total 1.0"));
    }
  }

  @Test
  void connectionThatSendsNothing_isClosedAfterTheRequestTimeout() throws Exception {
    Server s =
        start(limits(100, Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    try (RawClient c = new RawClient(s.address())) {
      assertTrue(c.closedWithin(5000));
    }
  }

  @Test
  void idleKeepAliveConnection_isClosedAfterTheIdleTimeout() throws Exception {
    Server s =
        start(limits(100, Duration.ofSeconds(10), Duration.ofMillis(1000), Duration.ofSeconds(5)));
    try (RawClient c = new RawClient(s.address())) {
      assertEquals(200, c.get("/v1/ids").status());
      Thread.sleep(100);
      assertEquals(200, c.get("/v1/ids").status()); // activity restarts the idle clock
      assertTrue(c.closedWithin(5000));
    }
  }

  @Test
  void drain_stopsAccepting_closesIdleConnections_finishesTheOneInFlight() throws Exception {
    Server s =
        start(limits(100, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    InetSocketAddress address = s.address();
    try (RawClient idle = new RawClient(address);
        RawClient busy = new RawClient(address)) {
      assertEquals(200, idle.get("/v1/ids").status());
      busy.send(
          "POST /v1/ids HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              + "Content-Length: 7\r\n\r\ncount"); // the body is half there
      Thread.sleep(100);
      CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(s::drain);
      assertTrue(idle.closedWithin(3000), "the idle connection stayed open");
      assertThrows(
          ConnectException.class,
          () -> new Socket(address.getAddress(), address.getPort()).close());
      assertFalse(drained.isDone());
      busy.send("=3");
      HttpResponses.Response r = busy.read();
      assertEquals(200, r.status());
      assertEquals("close", r.header("Connection"));
      assertEquals(3, Fixture.ids(r.body()).size());
      assertEquals(0, drained.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void drain_withAShutdownDelay_isUnreadyAtOnce_servesOnThroughTheDelay() throws Exception {
    Server s =
        start(
            ServeConfig.defaults()
                .withLimits(
                    ServeConfig.Limits.defaults().withShutdownDelay(Duration.ofMillis(800))));
    InetSocketAddress address = s.address();
    CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(s::drain);
    Thread.sleep(100);
    try (RawClient c = new RawClient(address)) {
      HttpResponses.Response r = c.get("/readyz");
      assertEquals(503, r.status());
      assertEquals("1", r.header("Retry-After"));
    }
    try (RawClient c = new RawClient(address)) { // new connections are still accepted
      HttpResponses.Response r = c.get("/v1/ids");
      assertEquals(200, r.status());
      assertEquals("close", r.header("Connection"));
    }
    assertFalse(drained.isDone());
    assertEquals(0, drained.get(10, TimeUnit.SECONDS));
    assertThrows(
        ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
  }

  @Test
  void drain_cutsWhatIsStillInFlightAtTheDeadline() throws Exception {
    Server s =
        start(limits(100, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(300)));
    try (RawClient stuck = new RawClient(s.address())) {
      stuck.send("GET /v1/ids HTTP/1.1\r\n");
      Thread.sleep(100);
      long t0 = System.nanoTime();
      assertEquals(1, s.drain());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
      assertTrue(stuck.closedWithin(1000));
    }
  }

  @Test
  void secondServerOnTheSameWorker_refusesNamingTheWorker_evenUnderAnotherNode(@TempDir Path dir)
      throws Exception {
    start(config(3, "a", dir));
    ServeConfig sameWorker = config(3, "b", dir);
    Server.StartException e = assertThrows(Server.StartException.class, () -> start(sameWorker));
    assertTrue(
        e.getMessage().startsWith("worker 3 is in use by another generator in this process"),
        e.getMessage());
    // Another worker in the same dir has a file, and a lock, of its own.
    start(config(4, "a", dir));
    assertTrue(java.nio.file.Files.exists(dir.resolve("w3.state")));
    assertTrue(java.nio.file.Files.exists(dir.resolve("w4.state")));
  }

  private static ServeConfig config(int worker, String node, Path dir) {
    return ServeConfig.resolve(
        new ServeConfig.Flags(0, null, null, worker, null, node, dir, null, null, null, null),
        java.util.Map.of(),
        () -> "");
  }

  @Test
  void corruptStateFile_isAStartError_andNothingListens(@TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("w0.state"), "idmint-state v=1 garbage\n");
    Server.StartException e =
        assertThrows(
            Server.StartException.class, () -> start(ServeConfig.defaults().withStateDir(dir)));
    assertTrue(e.getMessage().contains("w0.state: it is corrupt"), e.getMessage());
    // The lock was let go: a fixed file starts.
    java.nio.file.Files.delete(dir.resolve("w0.state"));
    start(ServeConfig.defaults().withStateDir(dir));
  }

  @Test
  void portInUse_isAStartError() throws Exception {
    Server a = start(ServeConfig.defaults());
    Server.StartException e =
        assertThrows(
            Server.StartException.class,
            () -> Server.start(ServeConfig.defaults().withPort(a.address().getPort()), log::add));
    assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:"), e.getMessage());
  }

  @Test
  void pipelined_withPausedReader_answersOnlyWhatTheConnectionTakes_othersServed()
      throws Exception {
    Server s = start(ServeConfig.defaults());
    int n = 300;
    try (RawClient paused = new RawClient(s.address(), 32 * 1024);
        RawClient other = new RawClient(s.address())) {
      paused.send("GET /v1/ids?count=10000 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(n));
      Thread.sleep(500);
      assertEquals(200, other.get("/v1/ids").status());
      long issued = issued(other);
      // Answered so far: what the socket buffers and the connection's cap hold (about 4 MiB,
      // 20 answers), not all 300, nor all that one read of the socket brought (42 before).
      assertTrue(issued < 30 * 10_000L, issued + " IDs issued while the reader paused");
      for (int i = 0; i < n; i++) {
        HttpResponses.Response r = paused.read();
        assertEquals(200, r.status(), r.body());
        assertEquals(10_000, Fixture.ids(r.body()).size());
      }
      assertEquals(1 + n * 10_000L, issued(other));
    }
  }

  private static long issued(RawClient c) throws IOException {
    String m = c.get("/metrics").body();
    Matcher matcher = Pattern.compile("(?m)^idmint_ids_issued_total ([0-9.E]+)$").matcher(m);
    assertTrue(matcher.find(), m);
    return (long) Double.parseDouble(matcher.group(1));
  }

  @Test
  void partialRequestAfterACompleteOne_inOneWrite_gets408() throws Exception {
    Server s =
        start(limits(100, Duration.ofMillis(400), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    try (RawClient c = new RawClient(s.address())) {
      long t0 = System.nanoTime();
      c.send("GET /v1/ids HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/ids HTTP/1.1\r\nHost: x\r\n");
      assertEquals(200, c.read().status());
      String rest = c.readToEnd();
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(rest.startsWith("HTTP/1.1 408 Request Timeout\r\n"), rest);
      assertTrue(waited >= 350 && waited < 5000, waited + " ms");
    }
  }

  @Test
  void connectionClose_withInputStillArriving_deliversTheAnswerWholeThenFin() throws Exception {
    Server s = start(ServeConfig.defaults());
    try (RawClient c = new RawClient(s.address())) {
      c.send("GET /v1/ids?count=10000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      AutoCloseable sending = c.keepSending("X".repeat(512), 0);
      try {
        String all = c.readToEnd(); // a reset would throw: Connection reset
        List<HttpResponses.Response> rs =
            HttpResponses.parse(all.getBytes(StandardCharsets.ISO_8859_1), false);
        assertEquals(1, rs.size());
        assertEquals("close", rs.get(0).header("Connection"));
        assertEquals(10_000, Fixture.ids(rs.get(0).body()).size());
      } finally {
        sending.close();
      }
    }
  }

  @Test
  void requestTimeout_withInputStillArriving_delivers408ThenFin() throws Exception {
    Server s =
        start(limits(100, Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(5)));
    try (RawClient c = new RawClient(s.address())) {
      c.send("GET /v1/ids HTTP/1.1\r\nX-Slow: ");
      AutoCloseable sending = c.keepSending("a", 100_000);
      try {
        String all = c.readToEnd();
        assertTrue(all.startsWith("HTTP/1.1 408 Request Timeout\r\n"), all);
        assertTrue(all.endsWith("ms\"}\n"), all);
      } finally {
        sending.close();
      }
    }
  }

  @Test
  void drain_withInputStillArriving_finishesTheAnswerThenFin() throws Exception {
    Server s = start(ServeConfig.defaults());
    try (RawClient c = new RawClient(s.address())) {
      c.send("GET /v1/ids HTTP/1.1\r\nHost: x\r\n");
      Thread.sleep(100);
      CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(s::drain);
      Thread.sleep(200);
      c.send("\r\n");
      AutoCloseable sending = c.keepSending("GET /v1/ids HTTP/1.1\r\nHost: x\r\n\r\n", 0);
      try {
        String all = c.readToEnd();
        List<HttpResponses.Response> rs =
            HttpResponses.parse(all.getBytes(StandardCharsets.ISO_8859_1), false);
        assertEquals(1, rs.size(), all);
        assertEquals(200, rs.get(0).status());
        assertEquals("close", rs.get(0).header("Connection"));
      } finally {
        sending.close();
      }
      assertEquals(0, drained.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void lockIsReleasedOnClose_andTheNextStartResumes(@TempDir Path dir) throws Exception {
    Server a = start(ServeConfig.defaults().withStateDir(dir));
    a.close();
    servers.remove(a);
    Server b = start(ServeConfig.defaults().withStateDir(dir));
    assertTrue(
        b.describe().matches(".*w0\\.state \\(resumed: IDs go on after the lease 20[0-9-]+T.*\\)"),
        b.describe());
    try (RawClient c = new RawClient(b.address())) {
      assertEquals(200, c.get("/v1/ids").status());
    }
  }
}
