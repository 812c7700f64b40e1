package dev.idmint.serve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, one message per call: pipelined requests stay in their bytes (at most
 * one socket read's worth) until the connection can take their answers, instead of all being
 * decoded, and answered, at once. {@link HttpHandler} feeds it again when it wants the next. It
 * also tells whether part of a request is here, which the request timeout needs: the decoder
 * consumes a request's head line by line, so its buffer alone does not say.
 */
final class RequestDecoder extends HttpRequestDecoder {
  private boolean inRequest; // bytes of a request consumed, and not yet its last content
  private boolean paused; // a request waits for the clock: the next stays in its bytes

  RequestDecoder() {
    super(Server.DECODER);
    setSingleDecode(true);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (paused) {
      return; // bytes that arrive meanwhile are kept, not decoded
    }
    int before = in.readableBytes();
    int emitted = out.size();
    super.decode(ctx, in, out);
    if (out.size() > emitted) {
      inRequest = !(out.get(out.size() - 1) instanceof LastHttpContent);
    } else if (in.readableBytes() < before) {
      inRequest = true;
    }
  }

  /** While paused, nothing is decoded: a request waits, and the connection's next ones with it. */
  void pause(boolean paused) {
    this.paused = paused;
  }

  /** Bytes read from the socket and not yet decoded: the start of a request, or several. */
  int buffered() {
    return actualReadableBytes();
  }

  /** Whether any part of a request has arrived that has not been passed on whole. */
  boolean partial() {
    return inRequest || actualReadableBytes() > 0;
  }
}
