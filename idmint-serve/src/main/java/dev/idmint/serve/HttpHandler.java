package dev.idmint.serve;

import static io.netty.handler.codec.http.HttpHeaderNames.ACCEPT;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE;
import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.EXPECTATION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_URI_TOO_LONG;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One connection's requests, in order: reads each request whole (a body of at most the limit), has
 * the {@link Api} answer it, and writes the response. Responses are flushed when the read that
 * carried the requests is done, so pipelined requests leave in one write. A request that is not
 * HTTP, or too large, gets its error and the connection closes; others keep being served.
 */
final class HttpHandler extends ChannelInboundHandlerAdapter {
  private final Api api;
  private final Metrics metrics;
  private final Readiness readiness;
  private final ServeConfig.Limits limits;
  private final RequestTimer timer;
  private final LongSupplier ticker;
  private final Consumer<String> log;
  private ChannelHandlerContext ctx;

  private HttpRequest request; // the request being read, or null
  private long startNanos;
  private ByteBuf body; // its body so far, or null
  private boolean closing; // an answer with Connection: close is on its way: read nothing more

  HttpHandler(
      Api api,
      Metrics metrics,
      Readiness readiness,
      ServeConfig.Limits limits,
      RequestTimer timer,
      LongSupplier ticker,
      Consumer<String> log) {
    this.api = api;
    this.metrics = metrics;
    this.readiness = readiness;
    this.limits = limits;
    this.timer = timer;
    this.ticker = ticker;
    this.log = log;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (closing) {
        return;
      }
      if (msg instanceof HttpRequest req) {
        startRequest(ctx, req);
      }
      if (msg instanceof HttpContent content && request != null) {
        if (content.decoderResult().isFailure()) {
          malformed(ctx, content.decoderResult().cause());
          return;
        }
        readBody(ctx, content.content());
        if (request != null && content instanceof LastHttpContent) {
          respond(ctx);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void startRequest(ChannelHandlerContext ctx, HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      malformed(ctx, req.decoderResult().cause());
      return;
    }
    startNanos = ticker.getAsLong();
    if (req.protocolVersion().majorVersion() != 1) {
      reject(ctx, HTTP_VERSION_NOT_SUPPORTED, "this service speaks HTTP/1.1 (and 1.0)");
      return;
    }
    long length = HttpUtil.getContentLength(req, -1L);
    if (length > limits.maxBodyBytes()) {
      reject(ctx, REQUEST_ENTITY_TOO_LARGE, tooLarge());
      return;
    }
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
      reject(ctx, EXPECTATION_FAILED, "the only Expect this service knows is 100-continue");
      return;
    }
    request = req;
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(ResponseEncoder.CONTINUE));
    }
  }

  private void readBody(ChannelHandlerContext ctx, ByteBuf content) {
    if (!content.isReadable()) {
      return;
    }
    int size = (body == null ? 0 : body.readableBytes()) + content.readableBytes();
    if (size > limits.maxBodyBytes()) {
      reject(ctx, REQUEST_ENTITY_TOO_LARGE, tooLarge());
      return;
    }
    if (body == null) {
      body = ctx.alloc().heapBuffer(content.readableBytes(), limits.maxBodyBytes());
    }
    body.writeBytes(content);
  }

  private String tooLarge() {
    return "the request body is larger than " + limits.maxBodyBytes() + " bytes";
  }

  private void respond(ChannelHandlerContext ctx) {
    HttpRequest req = request;
    request = null;
    String form = null;
    if (body != null) {
      form = body.toString(StandardCharsets.UTF_8);
      body.release();
      body = null;
    }
    timer.requestDone();
    HttpHeaders h = req.headers();
    Api.Reply reply =
        api.handle(req.method(), req.uri(), h.get(ACCEPT), h.get(CONTENT_TYPE), form, ctx.alloc());
    boolean keepAlive = !readiness.draining() && HttpUtil.isKeepAlive(req);
    write(ctx, reply, HttpMethod.HEAD.equals(req.method()), req.protocolVersion(), keepAlive);
    metrics.request(reply.route(), reply.status().code(), ticker.getAsLong() - startNanos);
  }

  /**
   * Writes {@code reply}; flushed when the current read is done, so pipelined answers leave
   * together. Without keep-alive, the connection closes once it is out.
   */
  private void write(
      ChannelHandlerContext ctx,
      Api.Reply reply,
      boolean head,
      HttpVersion version,
      boolean keepAlive) {
    String connection =
        !keepAlive ? "close" : version.equals(HttpVersion.HTTP_1_0) ? "keep-alive" : null;
    ByteBuf out = ResponseEncoder.encode(ctx.alloc(), reply, head, connection);
    if (keepAlive) {
      ctx.write(out, ctx.voidPromise());
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false); // back-pressure: read on once this drains
      }
    } else {
      closing = true;
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Answers with an error and closes: what follows on this connection cannot be trusted. */
  private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    request = null;
    if (body != null) {
      body.release();
      body = null;
    }
    Api.Reply reply = Api.error(Route.OTHER, status, message, null, ctx.alloc());
    write(ctx, reply, false, HttpVersion.HTTP_1_1, false);
    metrics.request(Route.OTHER, status.code(), 0);
  }

  private void malformed(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      reject(
          ctx,
          REQUEST_HEADER_FIELDS_TOO_LARGE,
          "the request headers are too large (at most 8 KiB)");
    } else if (cause instanceof TooLongHttpLineException) {
      reject(ctx, REQUEST_URI_TOO_LONG, "the request line is too long (at most 4 KiB)");
    } else {
      String why = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
      reject(ctx, BAD_REQUEST, "malformed HTTP request" + Json.clip(why));
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (body != null) {
      body.release();
      body = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) { // resets and broken pipes are the client's business
      log.accept("idmint serve: closing a connection after an error: " + cause);
    }
    ctx.close();
  }

  /**
   * SIGTERM: a connection between requests closes now; one in the middle of a request answers it
   * with {@code Connection: close}. Runs on the connection's event loop.
   */
  void drain() {
    if (request == null && !timer.reading()) {
      ctx.flush();
      ctx.close();
    }
  }
}
