package dev.idmint.serve;

import static io.netty.handler.codec.http.HttpHeaderNames.ACCEPT;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE;
import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.EXPECTATION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_URI_TOO_LONG;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
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
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One connection's requests, one at a time: reads a request whole (a body of at most the limit),
 * has the {@link Api} answer it, and writes the answer. Pipelined requests wait in the decoder's
 * bytes and are answered only while the connection is writable, that is while fewer than the write
 * buffer's high-water mark of answer bytes wait for the peer; a peer that does not read stops its
 * own connection (the socket is no longer read) and no other. Answers are flushed once nothing more
 * can be answered, so pipelined answers leave together. A request that is not HTTP, or too large,
 * gets its error and the connection closes; others keep being served.
 */
final class HttpHandler extends ChannelInboundHandlerAdapter {
  private final Api api;
  private final Metrics metrics;
  private final Readiness readiness;
  private final ServeConfig.Limits limits;
  private final RequestTimer timer;
  private final RequestDecoder decoder;
  private final AnswerBudget budget;
  private final LongSupplier ticker;
  private final Consumer<String> log;
  private ChannelHandlerContext ctx;

  private HttpRequest request; // the request being read, or null
  private long startNanos;
  private ByteBuf body; // its body so far, or null
  private HttpRequest waiting; // a request waiting for the clock at the lead bound, or null
  private String waitingForm;
  private long answerNanos; // when the request now being answered was first tried
  private ScheduledFuture<?> retry;
  private boolean inRead; // in channelRead: the decoder is on the stack and must not be fed
  private boolean pumping;
  private boolean unflushed;

  HttpHandler(
      Api api,
      Metrics metrics,
      Readiness readiness,
      ServeConfig.Limits limits,
      RequestTimer timer,
      RequestDecoder decoder,
      AnswerBudget budget,
      LongSupplier ticker,
      Consumer<String> log) {
    this.api = api;
    this.metrics = metrics;
    this.readiness = readiness;
    this.limits = limits;
    this.timer = timer;
    this.decoder = decoder;
    this.budget = budget;
    this.ticker = ticker;
    this.log = log;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    try {
      if (timer.closing()) {
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
      inRead = false;
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Answers the requests the decoder holds, one at a time, while the connection is writable; then
   * flushes. Called after each socket read, once the decoder has returned, and when the connection
   * becomes writable again.
   */
  void pump() {
    if (inRead || pumping) {
      return;
    }
    pumping = true;
    Channel ch = ctx.channel();
    try {
      while (!timer.closing() && ch.isWritable() && waiting == null) {
        int before = decoder.buffered();
        if (before == 0) {
          break;
        }
        timer.feed();
        if (decoder.buffered() == before) {
          break; // part of a request: wait for the rest
        }
      }
    } finally {
      pumping = false;
    }
    flush();
  }

  private void flush() {
    if (unflushed) {
      unflushed = false;
      ctx.flush();
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
    if (expect != null && req.protocolVersion().minorVersion() >= 1) { // 100-continue, checked

      ctx.write(Unpooled.wrappedBuffer(ResponseEncoder.CONTINUE), ctx.voidPromise());
      unflushed = true;
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

  private String busy() {
    return "busy: "
        + (budget.pending() >> 20)
        + " MiB of answers wait for clients that do not read them, the most this instance holds;"
        + " try again";
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
    answerNanos = ticker.getAsLong();
    answer(ctx, req, form);
  }

  /**
   * Answers {@code req}, or, if its IDs need the clock to move on within what it may still wait,
   * tries again then: scheduled on this connection's event loop, which goes on serving others
   * meanwhile. This connection's later requests wait behind it, undecoded and unread, so that its
   * answers stay in order.
   */
  private void answer(ChannelHandlerContext ctx, HttpRequest req, String form) {
    HttpHeaders h = req.headers();
    long mayWait = Api.MAX_LEAD_WAIT_NANOS - (ticker.getAsLong() - answerNanos);
    Api.Reply reply =
        budget.spent() && !Api.forOperators(req.uri())
            ? Api.error(Route.OTHER, SERVICE_UNAVAILABLE, busy(), null, ctx.alloc())
            : api.handle(
                req.method(),
                req.uri(),
                h.get(ACCEPT),
                h.get(CONTENT_TYPE),
                form,
                ctx.alloc(),
                mayWait);
    if (reply.retryNanos() > 0) {
      waiting = req;
      waitingForm = form;
      decoder.pause(true);
      ctx.channel().config().setAutoRead(false);
      retry = ctx.executor().schedule(this::retry, reply.retryNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    boolean keepAlive = !readiness.draining() && keepAlive(req);
    write(ctx, reply, HttpMethod.HEAD.equals(req.method()), req.protocolVersion(), keepAlive);
    metrics.request(reply.route(), reply.status().code(), ticker.getAsLong() - startNanos);
  }

  /**
   * {@link HttpUtil#isKeepAlive}, without the header iterator it allocates when, as from most
   * clients, there is no Connection header.
   */
  private static boolean keepAlive(HttpRequest req) {
    return req.headers().contains(HttpHeaderNames.CONNECTION)
        ? HttpUtil.isKeepAlive(req)
        : req.protocolVersion().isKeepAliveDefault();
  }

  /** The clock has moved on: answer the waiting request, then the ones behind it. */
  private void retry() {
    retry = null;
    HttpRequest req = waiting;
    String form = waitingForm;
    waiting = null;
    waitingForm = null;
    if (req == null || !ctx.channel().isActive()) {
      return;
    }
    answer(ctx, req, form);
    if (waiting == null) {
      decoder.pause(false);
      if (!timer.closing() && ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
      pump(); // answers what arrived meanwhile, and flushes
    }
  }

  /**
   * Writes {@code reply}, flushed once nothing more can be answered. Without keep-alive, the
   * connection closes once it is out.
   */
  private void write(
      ChannelHandlerContext ctx,
      Api.Reply reply,
      boolean head,
      HttpVersion version,
      boolean keepAlive) {
    String connection =
        !keepAlive ? "close" : version.equals(HttpVersion.HTTP_1_0) ? "keep-alive" : null;
    int ids = reply.ids();
    ByteBuf out = ResponseEncoder.encode(ctx.alloc(), reply, head, connection);
    int size = out.readableBytes();
    budget.written(size);
    ChannelPromise promise = ctx.newPromise();
    promise.addListener(
        f -> {
          budget.taken(size);
          if (ids > 0 && f.isSuccess()) {
            metrics.delivered(ids);
          }
        });
    ctx.write(out, promise);
    unflushed = true;
    if (!keepAlive) {
      flush();
      timer.closeAfter(promise);
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
    flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    timer.writabilityChanged();
    if (!timer.closing()) {
      boolean writable = ctx.channel().isWritable();
      // Back-pressure: no reading past the cap, nor while a request waits for the clock.
      ctx.channel().config().setAutoRead(writable && waiting == null);
      if (writable) {
        pump();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
    waiting = null; // its IDs were never taken
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
   * SIGTERM, after the shutdown delay: a connection between requests closes once what it has been
   * sent is out; one in the middle of a request answers it with {@code Connection: close}. Runs on
   * the connection's event loop.
   */
  void drain() {
    if (waiting == null && !decoder.partial()) { // a waiting request is answered with close
      unflushed = false;
      timer.closeAfter(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER));
    }
  }
}
