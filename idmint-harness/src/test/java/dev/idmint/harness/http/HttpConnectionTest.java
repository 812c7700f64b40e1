package dev.idmint.harness.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.TestConfig;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker's keep-alive connection against instances on loopback that answer as each test says: how
 * every kind of answer, or none, becomes an op's outcome.
 */
@Timeout(30)
class HttpConnectionTest {
  private static final String OK_BODY = "{\"ids\":[\"7\"]}";
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final StringWriter notices = new StringWriter();
  private final Console console = new Console(new PrintWriter(notices), false);

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  static String ok(int n) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + OK_BODY.length() + "\r\n\r\n" + OK_BODY;
  }

  /**
   * An instance that answers its n-th request (over all connections) with {@code answer.apply(n)},
   * or closes the connection if that is null.
   */
  private InetSocketAddress instance(IntFunction<String> answer) throws IOException {
    AtomicInteger requests = new AtomicInteger();
    LoopbackServer server =
        new LoopbackServer(
            s -> {
              InputStream in = s.getInputStream();
              while (readRequest(in)) {
                String a = answer.apply(requests.getAndIncrement());
                if (a == null) {
                  return;
                }
                s.getOutputStream().write(a.getBytes(StandardCharsets.ISO_8859_1));
              }
            });
    open.add(server);
    return server.address();
  }

  /** Reads one request head (the harness sends no body); false at the end of the stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    int matched = 0;
    for (int b; (b = in.read()) >= 0; ) {
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
      if (matched == 4) {
        return true;
      }
    }
    return false;
  }

  /** One worker, at home on n0, loads n0 and n1 for a moment; returns its ops. */
  private Run load(InetSocketAddress n0, InetSocketAddress n1) throws Exception {
    EventLoop loop = new EventLoop("test-http", console);
    open.add(loop::close);
    HttpClients clients = new HttpClients(loop, List.of("n0", "n1"), false, console);
    clients.connectTo(new InetSocketAddress[] {n0, n1}, null);
    Workload w = new Workload(TestConfig.http(2, 500, 1, 3), clients);
    while (clients.requests.sum() < 5) { // however slow the machine, at least five requests
      long t0 = System.nanoTime();
      w.run(t0, t0 + 20_000_000L);
    }
    return new Run(w.drain().ops(), clients.stats(List.of(), null, null));
  }

  private record Run(List<Op> ops, HttpStats stats) {}

  @Test
  void okResponses_onOneKeptAliveConnection_areOk() throws Exception {
    Run r = load(instance(HttpConnectionTest::ok), instance(HttpConnectionTest::ok));
    assertTrue(r.ops().size() > 1, "requests went out: " + r.ops().size());
    for (Op op : r.ops()) {
      assertEquals(Op.OK, op.type(), op.error());
      assertEquals("7", op.value());
      assertEquals(0, op.servedBy(), "its own instance answered");
    }
    assertEquals(1, r.stats().connections(), "keep-alive: one connection for all");
    assertEquals(0, r.stats().violationCount());
  }

  @Test
  void aServerError_isAnInfo_andTheWorkerTriesTheNextInstance_thenComesHome() throws Exception {
    Run r =
        load(
            instance(n -> n == 0 ? "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy" : ok(n)),
            instance(HttpConnectionTest::ok));
    Op first = r.ops().get(0);
    assertEquals(Op.INFO, first.type());
    assertEquals("http-503", first.error());
    assertEquals(503, first.errorCode());
    assertEquals("busy", first.errorText());
    assertEquals(1, r.ops().get(1).node, "the next request goes to the next instance");
    assertEquals(0, r.ops().get(2).node, "and after its answer the worker is home again");
  }

  @Test
  void aClientError_isAFail_andTheWorkerStays() throws Exception {
    Run r =
        load(
            instance(n -> n == 0 ? "HTTP/1.1 400 No\r\nContent-Length: 0\r\n\r\n" : ok(n)),
            instance(HttpConnectionTest::ok));
    assertEquals(Op.FAIL, r.ops().get(0).type());
    assertEquals("http-400", r.ops().get(0).error());
    assertEquals(0, r.ops().get(1).node);
  }

  @Test
  void aMalformedBody_isAProtocolViolation_andAnInfo() throws Exception {
    String bad = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"id\":7}";
    Run r = load(instance(n -> n == 0 ? bad : ok(n)), instance(HttpConnectionTest::ok));
    assertEquals(Op.INFO, r.ops().get(0).type());
    assertEquals("malformed-response", r.ops().get(0).error());
    assertEquals(1, r.stats().violationCount());
    assertEquals("malformed-body", r.stats().violations().get(0).kind());
    assertTrue(
        notices.toString().contains("n0 answered 200 with a body without \"ids\""),
        notices.toString());
  }

  @Test
  void aConnectionClosedBeforeTheResponse_isAnInfo() throws Exception {
    Run r = load(instance(n -> n == 0 ? null : ok(n)), instance(HttpConnectionTest::ok));
    assertEquals(Op.INFO, r.ops().get(0).type());
    assertEquals("connection-closed", r.ops().get(0).error());
    assertEquals(1, r.stats().closes());
  }

  @Test
  void anInstanceNotListening_refusesTheConnection_anInfo() throws Exception {
    InetSocketAddress gone;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      gone = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    Run r = load(gone, instance(HttpConnectionTest::ok));
    assertEquals(Op.INFO, r.ops().get(0).type());
    assertEquals("connection-refused", r.ops().get(0).error());
    assertTrue(r.stats().refused() >= 1);
  }
}
