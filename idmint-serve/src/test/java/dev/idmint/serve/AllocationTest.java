package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated per request on the path of every single-ID request (decoder, handler, API,
 * encoder), counted by the JVM for this thread: what drives young collections, and with them the
 * tail latency, under load.
 */
class AllocationTest {
  /**
   * A guard against a regression, not the figure: 759 to 777 bytes measured on a quiet machine,
   * about 455 of them in Netty's request decoder (the request, its headers, the URI string, the
   * decoder result); see docs/performance.md. Under load the JIT compiles later and a run counts up
   * to about 900, so the guard leaves room for that and still fails on an allocation per ID or per
   * header.
   */
  static final long BUDGET = 1200;

  @Test
  void singleIdRequest_allocatesAtMostTheBudget() {
    Fixture f = Fixture.snowflake();
    EmbeddedChannel ch = HttpHandlerTest.channel(f);
    try {
      // As wrk sends it: a Host header, keep-alive.
      byte[] request =
          "GET /v1/ids HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII);
      run(ch, request, 100_000); // warm up: the JIT, scratch buffers, pools
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      int n = 50_000;
      ByteBuf[] in = new ByteBuf[n];
      for (int i = 0; i < n; i++) {
        in[i] = Unpooled.wrappedBuffer(request);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      long responses = run(ch, in);
      long perRequest = (threads.getCurrentThreadAllocatedBytes() - before) / n;
      assertEquals(n, responses);
      System.out.println("AllocationTest: " + perRequest + " bytes per single-ID request");
      assertTrue(perRequest <= BUDGET, perRequest + " bytes per request");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /**
   * Sends {@code n} requests one at a time, as a client waiting for each answer does; their buffers
   * are made first, so that only the service's allocations are counted.
   */
  private static long run(EmbeddedChannel ch, byte[] request, int n) {
    ByteBuf[] in = new ByteBuf[n];
    for (int i = 0; i < n; i++) {
      in[i] = Unpooled.wrappedBuffer(request);
    }
    return run(ch, in);
  }

  private static long run(EmbeddedChannel ch, ByteBuf[] in) {
    long responses = 0;
    for (ByteBuf b : in) {
      ch.writeInbound(b);
      for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
        responses++;
        ((ByteBuf) o).release();
      }
    }
    return responses;
  }
}
