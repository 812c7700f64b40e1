package dev.idmint.serve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Slow clients cannot hold a connection: a request must arrive whole (headers and body) within the
 * request timeout of its first byte, and of the connection opening for the first request, or it
 * gets 408 and the connection closes; a keep-alive connection idle for the idle timeout is closed.
 * It sits before the HTTP codec, where the first byte of a request is visible; the request handler
 * tells it when a request is complete. One periodic check per connection, not a timer per request.
 */
final class RequestTimer extends ChannelInboundHandlerAdapter {
  private final long requestNanos;
  private final long idleNanos;
  private final Metrics metrics;
  private final LongSupplier ticker;
  private final String timeoutResponse;
  private ScheduledFuture<?> check;
  private long since; // when the current request, or the idle spell, began
  private boolean reading; // part of a request has arrived, not yet all of it
  private boolean fresh = true; // nothing has arrived yet: the request clock runs from the connect

  RequestTimer(ServeConfig.Limits limits, Metrics metrics, LongSupplier ticker) {
    this.requestNanos = limits.requestTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
    this.metrics = metrics;
    this.ticker = ticker;
    String body =
        Json.error(
                "the request did not arrive whole within "
                    + limits.requestTimeout().toMillis()
                    + " ms")
            + "\n";
    this.timeoutResponse =
        "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    since = ticker.getAsLong();
    long period =
        Math.max(Math.min(Math.min(requestNanos, idleNanos) / 4, 1_000_000_000L), 1_000_000L);
    check =
        ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (check != null) {
      check.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!reading && msg instanceof ByteBuf b && b.isReadable()) {
      reading = true;
      if (!fresh) {
        since = ticker.getAsLong();
      }
      fresh = false;
    }
    ctx.fireChannelRead(msg);
  }

  /** The request handler has read a whole request. */
  void requestDone() {
    reading = false;
    since = ticker.getAsLong();
  }

  /** Whether part of a request has arrived and not yet all of it. */
  boolean reading() {
    return reading;
  }

  private void check(ChannelHandlerContext ctx) {
    long waited = ticker.getAsLong() - since;
    if ((reading || fresh) && waited >= requestNanos) {
      metrics.requestTimedOut();
      check.cancel(false);
      // Straight to the socket: the codec after this handler holds half a request.
      ByteBuf bytes = Unpooled.copiedBuffer(timeoutResponse, StandardCharsets.US_ASCII);
      ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
    } else if (!reading && !fresh && waited >= idleNanos) {
      ctx.close();
    }
  }
}
