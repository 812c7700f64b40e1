package dev.idmint.serve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The first handler of a connection, where raw bytes arrive. It times the connection: a request
 * must arrive whole within the request timeout of its first byte (or of the connection opening, or
 * of the answer before it on the connection), else 408; a connection with nothing to read for the
 * idle timeout closes, and so does one whose peer reads none of its answers for that long. One
 * periodic check per connection, not a timer per request.
 *
 * <p>It also closes connections gracefully ({@link #closeAfter}): the answer in flight is written
 * whole, then a FIN, and input is read and dropped for a moment before the socket closes, because
 * closing a socket with unread input sends a reset, which can destroy the answer before the peer
 * reads it.
 */
final class RequestTimer extends ChannelInboundHandlerAdapter {
  /** How long a closing connection goes on reading (and dropping) input after its FIN. */
  static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final long requestNanos;
  private final long idleNanos;
  private final Metrics metrics;
  private final LongSupplier ticker;
  private final byte[] timeoutResponse;
  private HttpHandler handler;
  private RequestDecoder decoder;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> check;
  private long since; // when the current wait (for a request, its rest, or the peer) began
  private boolean fresh = true; // nothing has arrived yet: the request clock runs from the connect
  private boolean closing; // no more requests: input is dropped, the connection closes

  RequestTimer(ServeConfig.Limits limits, Metrics metrics, LongSupplier ticker) {
    this.requestNanos = limits.requestTimeout().toNanos();
    this.idleNanos = limits.idleTimeout().toNanos();
    this.metrics = metrics;
    this.ticker = ticker;
    byte[] body =
        Json.error(
                "the request did not arrive whole within "
                    + limits.requestTimeout().toMillis()
                    + " ms")
            .line();
    byte[] head =
        ("HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length
                + "\r\nconnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    this.timeoutResponse = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, timeoutResponse, head.length, body.length);
  }

  void attach(HttpHandler handler, RequestDecoder decoder) {
    this.handler = handler;
    this.decoder = decoder;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    since = ticker.getAsLong();
    long period =
        Math.max(Math.min(Math.min(requestNanos, idleNanos) / 4, 1_000_000_000L), 1_000_000L);
    check = ctx.executor().scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
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
    if (closing) {
      ReferenceCountUtil.release(msg); // lingering: read and drop
      return;
    }
    if (msg instanceof ByteBuf b && b.isReadable() && !fresh && waitingForRequest()) {
      since = ticker.getAsLong(); // the first byte of a request
    }
    fresh = false;
    ctx.fireChannelRead(msg);
    handler.pump(); // the decoder has returned: requests it still holds can be answered now
  }

  /** Hands the decoder nothing new, so that it decodes one more message from what it holds. */
  void feed() {
    ctx.fireChannelRead(Unpooled.EMPTY_BUFFER);
  }

  /** Between requests, with no byte of the next one here yet. */
  private boolean waitingForRequest() {
    return !decoder.partial();
  }

  /** A request was read whole: the clock for the next one starts now. */
  void requestDone() {
    since = ticker.getAsLong();
  }

  /** The connection became writable or unwritable: the peer read something, or fell behind. */
  void writabilityChanged() {
    since = ticker.getAsLong();
  }

  boolean closing() {
    return closing;
  }

  private void check() {
    Channel ch = ctx.channel();
    long waited = ticker.getAsLong() - since;
    if (closing || !ch.isWritable()) {
      if (waited >= idleNanos) { // the peer has read nothing of our answers for that long
        ch.close();
      }
    } else if (fresh || !waitingForRequest()) {
      if (waited >= requestNanos) {
        metrics.requestTimedOut();
        // Straight to the socket: the decoder after this handler holds half a request.
        closeAfter(ctx.writeAndFlush(Unpooled.wrappedBuffer(timeoutResponse)));
      }
    } else if (waited >= idleNanos) {
      closeAfter(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER));
    }
  }

  /**
   * A lingering close: from now on input is dropped; once {@code written} (the last answer) is out,
   * the output is shut down (a FIN after every byte), and the socket closes when the peer closes
   * its side or after {@link #LINGER_NANOS}, whichever comes first.
   */
  void closeAfter(ChannelFuture written) {
    if (closing) {
      return;
    }
    closing = true;
    since = ticker.getAsLong();
    Channel ch = ctx.channel();
    ch.config().setAutoRead(true); // drain what the peer still sends, so the close is no reset
    written.addListener(
        f -> {
          if (!f.isSuccess() || !(ch instanceof DuplexChannel d) || !ch.isActive()) {
            ch.close();
            return;
          }
          d.shutdownOutput()
              .addListener(
                  s -> {
                    if (!s.isSuccess()) {
                      ch.close();
                    } else {
                      ch.eventLoop().schedule(() -> ch.close(), LINGER_NANOS, TimeUnit.NANOSECONDS);
                    }
                  });
        });
  }
}
