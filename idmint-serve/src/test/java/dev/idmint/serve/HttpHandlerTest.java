package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The connection's handlers, without a socket: bytes in, bytes out. */
class HttpHandlerTest {
  private final Fixture fixture = Fixture.snowflake();
  private final EmbeddedChannel ch = channel(fixture);

  static EmbeddedChannel channel(Fixture f) {
    return new EmbeddedChannel(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            Server.pipeline(c, f.service, f.config.limits(), f.log::add);
          }
        });
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  /** Feeds {@code request} and returns every byte written back so far. */
  static byte[] exchange(EmbeddedChannel ch, String request) {
    return exchange(ch, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  static byte[] exchange(EmbeddedChannel ch, byte[] request) {
    ch.writeInbound(Unpooled.wrappedBuffer(request));
    ch.runPendingTasks();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  private List<HttpResponses.Response> send(String request) {
    return HttpResponses.parse(exchange(ch, request), false);
  }

  @Test
  void pipelinedRequests_answeredInOrder_connectionStaysOpen() {
    List<HttpResponses.Response> rs =
        send(
            "GET /v1/ids?count=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /v1/ids/5 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(
        List.of(200, 200, 200, 404), rs.stream().map(HttpResponses.Response::status).toList());
    assertEquals(2, Fixture.ids(rs.get(0).body()).size());
    assertEquals("no-store", rs.get(0).header("Cache-Control"));
    assertNotNull(rs.get(0).header("Date"));
    assertNull(rs.get(0).header("Connection"));
    assertTrue(ch.isOpen());
  }

  @Test
  void connectionClose_isHonoured() {
    List<HttpResponses.Response> rs =
        send("GET /v1/ids HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals("close", rs.get(0).header("Connection"));
    assertFalse(ch.isOpen());
  }

  @Test
  void http10_closesUnlessAskedToKeepAlive() {
    List<HttpResponses.Response> rs =
        send("GET /v1/ids HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assertEquals(200, rs.get(0).status());
    assertEquals("keep-alive", rs.get(0).header("Connection"));
    assertTrue(ch.isOpen());
    send("GET /v1/ids HTTP/1.0\r\n\r\n");
    assertFalse(ch.isOpen());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "BLAH\r\n\r\n",
        "GET /v1/ids HTTP/1.1\r\nBad Header\r\n\r\n",
        "\u0000\u0001\u0002\r\n\r\n",
        "GET /v1/ids HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "GET /v1/ids HTTP/1.1\r\nContent-Length: x\r\n\r\n",
        "POST /v1/ids HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      })
  void malformedHttp_is400AndTheConnectionCloses(String request) {
    List<HttpResponses.Response> rs = send(request);
    assertEquals(1, rs.size(), rs.toString());
    assertEquals(400, rs.get(0).status());
    assertTrue(Fixture.field(rs.get(0).body(), "error").startsWith("malformed HTTP request"));
    assertEquals("close", rs.get(0).header("Connection"));
    assertFalse(ch.isOpen());
  }

  @Test
  void otherHttpVersions_are505() {
    List<HttpResponses.Response> rs = send("GET /v1/ids HTTP/2.0\r\n\r\n");
    assertEquals(505, rs.get(0).status());
    assertFalse(ch.isOpen());
  }

  @Test
  void hugeHeaders_are431() {
    List<HttpResponses.Response> rs =
        send("GET /v1/ids HTTP/1.1\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
    assertEquals(431, rs.get(0).status());
    assertFalse(ch.isOpen());
  }

  @Test
  void hugeRequestLine_is414() {
    List<HttpResponses.Response> rs = send("GET /v1/ids?" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n");
    assertEquals(414, rs.get(0).status());
    assertFalse(ch.isOpen());
  }

  @Test
  void bodyLargerThanTheLimit_is413_evenBeforeItArrives() {
    List<HttpResponses.Response> rs =
        send("POST /v1/ids HTTP/1.1\r\nContent-Length: 1000000\r\n\r\ncount=1");
    assertEquals(413, rs.get(0).status());
    assertTrue(Fixture.field(rs.get(0).body(), "error").contains("larger than 4096 bytes"));
    assertFalse(ch.isOpen());
  }

  @Test
  void chunkedBodyLargerThanTheLimit_is413() {
    StringBuilder req =
        new StringBuilder("POST /v1/ids HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {
      req.append("3e8\r\n").append("a".repeat(1000)).append("\r\n");
    }
    List<HttpResponses.Response> rs = send(req.toString());
    assertEquals(413, rs.get(0).status());
    assertFalse(ch.isOpen());
  }

  @Test
  void chunkedFormBody_isRead() {
    List<HttpResponses.Response> rs =
        send(
            "POST /v1/ids HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n6\r\ncount=\r\n1\r\n3\r\n0\r\n\r\n");
    assertEquals(200, rs.get(0).status(), rs.get(0).body());
    assertEquals(3, Fixture.ids(rs.get(0).body()).size());
  }

  @Test
  void expectContinue_getsContinueThenTheAnswer() {
    byte[] head =
        exchange(
            ch,
            "POST /v1/ids HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n");
    assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(head, StandardCharsets.US_ASCII));
    List<HttpResponses.Response> rs = send("count=2");
    assertEquals(2, Fixture.ids(rs.get(0).body()).size());
  }

  @Test
  void unknownExpectation_is417() {
    List<HttpResponses.Response> rs =
        send("POST /v1/ids HTTP/1.1\r\nExpect: something\r\nContent-Length: 0\r\n\r\n");
    assertEquals(417, rs.get(0).status());
  }

  @Test
  void head_getsHeadersWithoutABody() {
    byte[] raw = exchange(ch, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    List<HttpResponses.Response> rs = HttpResponses.parse(raw, true);
    assertEquals(1, rs.size());
    assertEquals("16", rs.get(0).header("Content-Length"));
    assertEquals("", rs.get(0).body());
    assertTrue(ch.isOpen());
    assertEquals(200, send("GET /healthz HTTP/1.1\r\n\r\n").get(0).status()); // in step
  }

  @Test
  void requestsSplitAcrossReads_areReassembled() {
    byte[] part = exchange(ch, "GET /v1/ids?co");
    assertEquals(0, part.length);
    assertEquals(200, send("unt=3 HTTP/1.1\r\nHost: x\r\n\r\n").get(0).status());
  }

  @Test
  void metrics_countRequestsByRouteAndCode() {
    send("GET /v1/ids HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nDELETE /v1/ids HTTP/1.1\r\n\r\n");
    String m = send("GET /metrics HTTP/1.1\r\n\r\n").get(0).body();
    assertTrue(m.contains("idmint_http_requests_total{code=\"200\",route=\"/v1/ids\"} 1.0"), m);
    assertTrue(m.contains("idmint_http_requests_total{code=\"404\",route=\"other\"} 1.0"), m);
    assertTrue(m.contains("idmint_http_requests_total{code=\"405\",route=\"/v1/ids\"} 1.0"), m);
    assertTrue(m.contains("idmint_http_request_duration_seconds_count{route=\"/v1/ids\"} 2"), m);
  }

  @Test
  void spentAnswerBudget_is503WithRetryAfter_untilAnswersAreTaken_butLivenessIsAnswered() {
    AnswerBudget budget = fixture.service.budget();
    long spent = 0;
    while (!budget.spent()) {
      budget.written(Integer.MAX_VALUE);
      spent += Integer.MAX_VALUE;
    }
    HttpResponses.Response r = send("GET /v1/ids HTTP/1.1\r\n\r\n").get(0);
    assertEquals(503, r.status());
    assertEquals("1", r.header("Retry-After"));
    assertTrue(Fixture.field(r.body(), "error").startsWith("busy: "), r.body());
    assertTrue(ch.isOpen());
    // Liveness, metrics and info stay answered: a kubelet must not restart a pod that clients
    // flood without reading. Readiness says busy, so that balancers send the traffic elsewhere.
    for (String path : new String[] {"/healthz", "/metrics", "/v1/info", "http://h/healthz?x"}) {
      assertEquals(200, send("GET " + path + " HTTP/1.1\r\n\r\n").get(0).status(), path);
    }
    HttpResponses.Response ready = send("GET /readyz HTTP/1.1\r\n\r\n").get(0);
    assertEquals(503, ready.status());
    assertTrue(ready.body().contains("busy: "), ready.body());
    assertEquals(503, send("GET /v1/ids/5 HTTP/1.1\r\n\r\n").get(0).status());
    while (spent > 0) {
      budget.taken((int) Math.min(spent, Integer.MAX_VALUE));
      spent -= Math.min(spent, Integer.MAX_VALUE);
    }
    assertEquals(200, send("GET /v1/ids HTTP/1.1\r\n\r\n").get(0).status());
  }

  @Test
  void every503_carriesRetryAfter() {
    fixture.readiness.drain();
    HttpResponses.Response r = send("GET /readyz HTTP/1.1\r\n\r\n").get(0);
    assertEquals(503, r.status());
    assertEquals("1", r.header("Retry-After"));
  }

  @Test
  void idsDelivered_areCountedOnceWritten() {
    send("GET /v1/ids?count=7 HTTP/1.1\r\n\r\nGET /v1/ids?count=5 HTTP/1.1\r\n\r\n");
    String m = send("GET /metrics HTTP/1.1\r\n\r\n").get(0).body();
    assertTrue(m.contains("idmint_ids_delivered_total 12.0"), m);
  }

  @Test
  void requestWaitingForTheClock_holdsBackTheConnectionsLaterOnes_answersInOrder()
      throws InterruptedException {
    // The worker's clock moves only when this test moves it, a millisecond a turn, so requests
    // meet the bound however fast or slowly this JVM runs (on the real clock, a slow run issued
    // them all without waiting). IDs start at the bound (startAhead); each request asks for 2.4
    // ms more of the clock, so each waits on the event loop's timer for the test's turns, and
    // the health check behind them waits its turn.
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    long n0 = System.nanoTime();
    long t0 = now.get();
    Fixture f =
        new Fixture(
            ServeConfig.defaults().withMaxLead(Duration.ofMillis(5)),
            b -> b.clock(now::get).ticker(() -> n0 + (now.get() - t0) * 1_000_000));
    EmbeddedChannel c = channel(f);
    try {
      String batch = "GET /v1/ids?count=10000&format=number HTTP/1.1\r\n\r\n";
      byte[] out = exchange(c, batch.repeat(4) + "GET /healthz HTTP/1.1\r\n\r\n");
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(out);
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<HttpResponses.Response> rs = HttpResponses.parse(all.toByteArray(), false);
      while (rs.size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(1);
        now.incrementAndGet();
        c.runScheduledPendingTasks();
        all.writeBytes(exchange(c, new byte[0]));
        rs = HttpResponses.parse(all.toByteArray(), false);
      }
      assertEquals(
          List.of(200, 200, 200, 200, 200),
          rs.stream().map(HttpResponses.Response::status).toList());
      long last = -1;
      for (int k = 0; k < 4; k++) {
        for (String id : Fixture.ids(rs.get(k).body())) {
          long v = Long.parseLong(id.substring(1));
          assertTrue(v > last, v + " after " + last);
          last = v;
        }
      }
      assertEquals("{\"status\":\"ok\"}\n", rs.get(4).body());
      String m = f.call("GET", "/metrics").body();
      assertFalse(m.contains("idmint_lead_bound_waits_total 0.0"), m);
      assertTrue(m.contains("idmint_lead_bound_refusals_total 0.0"), m);
      assertTrue(c.isOpen());
    } finally {
      c.finishAndReleaseAll();
    }
  }
}
