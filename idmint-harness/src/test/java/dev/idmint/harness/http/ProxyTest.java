package dev.idmint.harness.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.LatencyDist;
import dev.idmint.harness.platform.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy between clients and an instance: relaying, cuts, seeded loss, a down instance. */
@Timeout(30)
class ProxyTest {
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final EventLoop loop;

  /** Requests the instance below has seen. */
  private final AtomicInteger seen = new AtomicInteger();

  ProxyTest() throws IOException {
    loop = new EventLoop("test-proxy", new Console(new PrintWriter(new StringWriter()), false));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    loop.close();
  }

  /** An instance that answers each burst of bytes {@code b} with {@code pong:b}. */
  private int instance() throws IOException {
    LoopbackServer server =
        new LoopbackServer(
            s -> {
              byte[] b = new byte[256];
              for (int n; (n = s.getInputStream().read(b)) > 0; ) {
                seen.incrementAndGet();
                String pong = "pong:" + new String(b, 0, n, StandardCharsets.US_ASCII);
                s.getOutputStream().write(pong.getBytes(StandardCharsets.US_ASCII));
              }
            });
    open.add(server);
    return server.port();
  }

  private Proxy proxy(int target, long seed) throws IOException {
    Proxy p = new Proxy(0, "n0", target, loop, seed, LatencyDist.CONSTANT, 0);
    open.add(p::close);
    return p;
  }

  private Socket client(Proxy p) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port);
    s.setSoTimeout(5000);
    open.add(s);
    return s;
  }

  private static String ask(Socket s, String what) throws IOException {
    s.getOutputStream().write(what.getBytes(StandardCharsets.US_ASCII));
    byte[] b = new byte[256];
    int n = s.getInputStream().read(b);
    if (n < 0) {
      throw new IOException("closed");
    }
    return new String(b, 0, n, StandardCharsets.US_ASCII);
  }

  @Test
  void relaysBothWays() throws Exception {
    Proxy p = proxy(instance(), 1);
    Socket s = client(p);
    assertEquals("pong:ping", ask(s, "ping"));
    assertEquals("pong:again", ask(s, "again"));
    assertEquals(1, p.stats().accepted());
  }

  @Test
  void refuse_resetsOpenConnections_andEveryNewOne_untilHealed() throws Exception {
    Proxy p = proxy(instance(), 1);
    Socket before = client(p);
    assertEquals("pong:a", ask(before, "a"));
    p.cut(Proxy.Cut.REFUSE);
    assertThrows(IOException.class, () -> ask(before, "b"));
    assertThrows(IOException.class, () -> ask(client(p), "c"));
    assertEquals(2, p.stats().cutByPartition());
    p.cut(Proxy.Cut.NONE);
    assertEquals("pong:d", ask(client(p), "d"));
  }

  @Test
  void stall_holdsTheRequest_untilHealed_thenDeliversIt() throws Exception {
    Proxy p = proxy(instance(), 1);
    Socket s = client(p);
    assertEquals("pong:a", ask(s, "a"));
    p.cut(Proxy.Cut.STALL);
    s.setSoTimeout(300);
    assertThrows(SocketTimeoutException.class, () -> ask(s, "held"));
    assertEquals(1, seen.get(), "the instance never saw the held request");
    p.cut(Proxy.Cut.NONE);
    s.setSoTimeout(5000);
    byte[] b = new byte[64];
    InputStream in = s.getInputStream();
    assertEquals("pong:held", new String(b, 0, in.read(b), StandardCharsets.US_ASCII));
  }

  /** With loss 1, every request costs its connection; returns {lost before, lost after}. */
  private long[] lossRun(long seed) throws Exception {
    seen.set(0);
    Proxy p = proxy(instance(), seed);
    p.loss(1.0);
    for (int i = 0; i < 40; i++) {
      Socket s = client(p);
      assertThrows(IOException.class, () -> ask(s, "x"));
    }
    Proxy.Stats st = p.stats();
    assertEquals(40, st.lostRequests() + st.lostResponses());
    return new long[] {st.lostRequests(), st.lostResponses()};
  }

  @Test
  void loss_resetsBeforeOrAfterTheInstance_asTheSeedSays() throws Exception {
    long[] a = lossRun(7);
    int sawA = seen.get();
    long[] b = lossRun(7);
    assertEquals(a[0], b[0]);
    assertEquals(a[1], b[1]);
    assertTrue(a[0] > 5 && a[1] > 5, "about half each: " + a[0] + "/" + a[1]);
    assertTrue(sawA >= a[1], "the instance saw every request whose response was lost");
  }

  @Test
  void instanceDown_clientIsReset_andItIsCounted() throws Exception {
    int port;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = gone.getLocalPort();
    }
    Proxy p = proxy(port, 1);
    assertThrows(IOException.class, () -> ask(client(p), "x"));
    assertEquals(1, p.stats().refusedByInstance());
  }
}
