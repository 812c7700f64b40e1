package dev.idmint.serve;

import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Scheme;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code idmint serve}: an ID generator behind an HTTP/1.1 server. Netty with native epoll where it
 * loads (NIO elsewhere), one event loop per core; each request is answered on its connection's
 * event loop, without blocking on anything but the state file's rare renewals.
 */
public final class Server implements AutoCloseable {
  private static final LongSupplier NANO_TIME = Service.NANO_TIME;

  /** Longer request lines get 414, larger headers 431. */
  static final HttpDecoderConfig DECODER =
      new HttpDecoderConfig()
          .setMaxInitialLineLength(4096)
          .setMaxHeaderSize(8192)
          .setMaxChunkSize(8192);

  /** Answer bytes a connection may have waiting for its peer before its requests wait too. */
  static final int MAX_PENDING_PER_CONNECTION = 64 * 1024;

  private final ServeConfig config;
  private final EventLoopGroup group;
  private final Channel listener;
  private final ChannelGroup channels;
  private final Service service;
  private final String transport;

  private Server(
      ServeConfig config,
      EventLoopGroup group,
      Channel listener,
      ChannelGroup channels,
      Service service,
      String transport) {
    this.config = config;
    this.group = group;
    this.listener = listener;
    this.channels = channels;
    this.service = service;
    this.transport = transport;
  }

  /** A start-up problem: the message says what and what to do; no ID was issued. */
  public static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Starts loading what {@link #start} needs (Netty's native transport and platform probes, its
   * allocator and HTTP decoder, Prometheus' client) on a thread of its own, so that it overlaps
   * with parsing the command line. Nothing is started; a failure here is left for start() to meet.
   */
  public static void warmUp() {
    Thread t =
        new Thread(
            () -> {
              try {
                Epoll.isAvailable();
                ByteBufAllocator.DEFAULT.ioBuffer(64).release();
                new HttpRequestDecoder(DECODER);
                new Metrics(ServeConfig.defaults(), "", () -> true);
                HttpDate.now();
              } catch (RuntimeException | LinkageError e) {
                // start() does all of this again and reports what fails
              }
            },
            "idmint-serve-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Makes the generator (which claims its worker or node) and listens.
   *
   * @param log where the generator's clock and state lines go, and internal errors
   * @throws StartException if the state is in use or unusable, or the address cannot be bound
   */
  public static Server start(ServeConfig config, Consumer<String> log) throws StartException {
    return start(config, log, Epoll.isAvailable());
  }

  static Server start(ServeConfig config, Consumer<String> log, boolean epoll)
      throws StartException {
    Service service = null;
    EventLoopGroup group = null;
    try {
      String transport = epoll ? "epoll" : "nio";
      Service created = Service.create(config, transport, log);
      service = created;
      Metrics metrics = created.metrics();

      IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      Class<? extends ServerChannel> channelClass =
          epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
      group = new MultiThreadIoEventLoopGroup(eventLoops(), io);
      ChannelGroup channels = new DefaultChannelGroup("idmint-serve", GlobalEventExecutor.INSTANCE);
      ServeConfig.Limits limits = config.limits();
      ServerBootstrap b =
          new ServerBootstrap()
              .group(group)
              .channel(channelClass)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .handler(new ConnectionLimit(limits.maxConnections(), metrics, channels))
              .childOption(ChannelOption.TCP_NODELAY, true)
              // The cap on answer bytes waiting for one peer: past it, its requests wait.
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(32 * 1024, MAX_PENDING_PER_CONNECTION))
              // Requests are small: reads of up to 16 KiB bound what a connection holds unread.
              .childOption(
                  ChannelOption.RECVBUF_ALLOCATOR,
                  new AdaptiveRecvByteBufAllocator(64, 1024, 16384))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      pipeline(ch, created, limits, log);
                    }
                  });
      ChannelFuture bound = b.bind(config.bind(), config.port()).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        Throwable cause = bound.cause();
        throw new StartException(
            "cannot listen on "
                + config.bind()
                + ":"
                + config.port()
                + ": "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
            cause);
      }
      created.events().started();
      metrics.registerJvm();
      return new Server(config, group, bound.channel(), channels, created, transport);
    } catch (StartException e) {
      cleanUp(group, service);
      throw e;
    } catch (IdStateException | IllegalArgumentException e) {
      cleanUp(group, service);
      throw new StartException(e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      cleanUp(group, service);
      throw e;
    }
  }

  /**
   * One event loop per core the JVM sees, but one: requests are answered in microseconds, so a loop
   * is busy only under load, and a core left over takes the kernel's network work, the collector,
   * the JIT and the lease renewals (and, on a shared machine, the load generator) without
   * preempting a loop mid-request, which is what puts milliseconds into the tail.
   */
  static int eventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  /**
   * A connection's handlers: the request timer sees raw bytes, Netty's decoder turns them into HTTP
   * requests of bounded size, the handler answers them with bytes of its own making.
   */
  static void pipeline(
      Channel ch, Service service, ServeConfig.Limits limits, Consumer<String> log) {
    RequestTimer timer = new RequestTimer(limits, service.metrics(), NANO_TIME);
    RequestDecoder decoder = new RequestDecoder();
    HttpHandler handler =
        new HttpHandler(
            service.api(),
            service.metrics(),
            service.readiness(),
            limits,
            timer,
            decoder,
            service.budget(),
            NANO_TIME,
            log);
    timer.attach(handler, decoder);
    ch.pipeline().addLast(timer).addLast(decoder).addLast(handler);
  }

  private static void cleanUp(EventLoopGroup group, Service service) {
    if (group != null) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (service != null) {
      service.close();
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The start-up line: address, transport, scheme, worker and state. */
  public String describe() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    StringBuilder sb =
        new StringBuilder("idmint serve: listening on http://")
            .append(host.indexOf(':') >= 0 ? "[" + host + "]" : host)
            .append(':')
            .append(a.getPort())
            .append(" (")
            .append(transport)
            .append("); scheme ")
            .append(config.scheme());
    ServeConfig.Registry r = config.registry();
    if (r != null) {
      sb.append(
              r.exact()
                  ? ", worker " + config.worker() + " (from " + config.workerSource() + ")"
                  : ", a worker in " + r.workerIds())
          .append(" leased from ")
          .append(service.generators().registry().url())
          .append(" (fleet ")
          .append(r.fleet())
          .append(", instance ")
          .append(r.instance())
          .append(", TTL ")
          .append(r.ttl().toMillis())
          .append(" ms; claiming it now, /readyz is 503 until then), node ")
          .append(config.node());
      return sb.toString();
    }
    if (config.scheme() == Scheme.SNOWFLAKE) {
      sb.append(", worker ")
          .append(config.worker())
          .append(
              config.workerSource() == null
                  ? " (default)"
                  : " (from " + config.workerSource() + ")");
    }
    sb.append(", node ").append(config.node()).append(", state ");
    if (config.stateDir() == null) {
      sb.append(
          config.scheme() == Scheme.COUNTER
              ? "none (no --state-dir: a restart starts again at n=0 and reissues IDs)"
              : "none (no --state-dir: a restart reissues IDs only if the clock went back)");
    } else {
      sb.append(service.events().store());
      String found = service.events().startState();
      if (found != null) {
        sb.append(" (").append(found).append(')');
      }
    }
    return sb.toString();
  }

  IdGenerator generator() {
    return service.generator();
  }

  /**
   * SIGTERM: /readyz answers 503 at once (and every answer says {@code Connection: close}), the
   * service goes on serving for the shutdown delay while load balancers notice, then stops
   * accepting, lets requests in flight finish for up to the drain timeout, and closes every
   * connection. Durable state needs no final write: it is written before any ID it covers goes out.
   *
   * @return the connections that were still open at the deadline and were cut
   */
  public int drain() {
    service.readiness().drain();
    sleepNanos(config.limits().shutdownDelay().toNanos());
    listener.close().awaitUninterruptibly();
    for (Channel ch : channels) {
      ch.eventLoop()
          .execute(
              () -> {
                HttpHandler h = ch.pipeline().get(HttpHandler.class);
                if (h != null) {
                  h.drain();
                } else {
                  ch.close();
                }
              });
    }
    long deadline = System.nanoTime() + config.limits().drainTimeout().toNanos();
    while (!channels.isEmpty() && System.nanoTime() < deadline) {
      sleepNanos(5_000_000);
    }
    int cut = channels.size();
    channels.close().awaitUninterruptibly();
    return cut;
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes everything and gives up the worker or node (the state file's lock). */
  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    channels.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    service.close();
  }
}
