package dev.idmint.serve;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On the listening socket: each accepted connection beyond the limit is closed before it costs a
 * pipeline. The others join the group that SIGTERM drains.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Metrics metrics;
  private final ChannelGroup channels;

  ConnectionLimit(int max, Metrics metrics, ChannelGroup channels) {
    this.max = max;
    this.metrics = metrics;
    this.channels = channels;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      metrics.connectionRejected();
      child.unsafe().closeForcibly();
      return;
    }
    metrics.connectionOpened();
    child
        .closeFuture()
        .addListener(
            f -> {
              open.decrementAndGet();
              metrics.connectionClosed();
            });
    channels.add(child);
    ctx.fireChannelRead(msg);
  }
}
