package dev.idmint.harness.http;

import dev.idmint.harness.config.LatencyDist;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of one instance, owned by the harness: every connection to the
 * instance passes through it, so the nemesis can cut clients off from the instance (the proxy
 * stalls or refuses connections), reset connections (loss), and {@code --latency} can delay
 * requests. It relays bytes and knows nothing of HTTP, except that a burst of bytes from a client
 * is a request. Everything but the counters is its event loop's alone.
 */
final class Proxy implements EventLoop.Handler {
  /** How a partition cuts the instance off from its clients. */
  enum Cut {
    NONE,
    /** Nothing moves either way; connections hang, as when packets are dropped. */
    STALL,
    /** Every connection is reset, new ones at once, as when a firewall rejects them. */
    REFUSE
  }

  /** What a proxy did in a run. */
  record Stats(
      String instance,
      int port,
      int targetPort,
      long accepted,
      long refusedByInstance,
      long lostRequests,
      long lostResponses,
      long cutByPartition) {}

  static final int BUFFER = 16 << 10;

  final int index;
  final String name;
  final int port;
  private final int targetPort;
  final EventLoop loop;
  private final ServerSocketChannel listener;
  final InetSocketAddress target;

  /** Loss and latency draws, one pair per request, in the order requests reach this proxy. */
  final SplittableRandom draws;

  final LatencyDist dist;
  final long latencyNanos;
  final Set<Relay> pairs = new LinkedHashSet<>();
  Cut cut = Cut.NONE;
  double loss;

  private final AtomicLong accepted = new AtomicLong();
  final AtomicLong refusedByInstance = new AtomicLong();
  final AtomicLong lostRequests = new AtomicLong();
  final AtomicLong lostResponses = new AtomicLong();
  private final AtomicLong cutByPartition = new AtomicLong();

  /** Opens the proxy on a free loopback port, relaying to {@code targetPort}. */
  Proxy(
      int index,
      String name,
      int targetPort,
      EventLoop loop,
      long seed,
      LatencyDist dist,
      double latencyMs)
      throws IOException {
    this.index = index;
    this.name = name;
    this.targetPort = targetPort;
    this.loop = loop;
    this.target = new InetSocketAddress("127.0.0.1", targetPort);
    this.draws = new SplittableRandom(seed);
    this.dist = dist;
    this.latencyNanos = (long) (latencyMs * 1e6);
    this.listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
    listener.configureBlocking(false);
    this.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
    loop.call(
        () -> {
          try {
            listener.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  Stats stats() {
    return new Stats(
        name,
        port,
        targetPort,
        accepted.get(),
        refusedByInstance.get(),
        lostRequests.get(),
        lostResponses.get(),
        cutByPartition.get());
  }

  /** Cuts the instance off from its clients, or heals; returns once in effect. */
  void cut(Cut c) {
    loop.call(
        () -> {
          cut = c;
          for (Relay p : List.copyOf(pairs)) {
            if (c == Cut.REFUSE) {
              cutByPartition.incrementAndGet();
              p.reset();
            } else {
              p.interest();
            }
          }
        });
  }

  /** Resets connections carrying a fraction {@code p} of requests from now on; 0 stops. */
  void loss(double p) {
    loop.call(() -> loss = p);
  }

  void close() {
    loop.call(
        () -> {
          for (Relay p : List.copyOf(pairs)) {
            p.close();
          }
          try {
            listener.close();
          } catch (IOException e) {
            // closing anyway
          }
        });
  }

  /** New connections from clients. */
  @Override
  public void ready(SelectionKey key) {
    while (true) {
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (IOException e) {
        return; // e.g. out of file descriptors for now: the listener stays, and retries
      }
      if (ch == null) {
        return;
      }
      accepted.incrementAndGet();
      if (cut == Cut.REFUSE) {
        cutByPartition.incrementAndGet();
        reset(ch);
        continue;
      }
      try {
        pairs.add(new Relay(this, ch));
      } catch (IOException e) {
        refusedByInstance.incrementAndGet(); // refused at once: the client sees a reset
        reset(ch);
      }
    }
  }

  /** Closes a channel with a reset rather than a FIN. */
  static void reset(SocketChannel ch) {
    try {
      if (ch.isOpen()) {
        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException e) {
      // closing anyway
    }
    try {
      ch.close();
    } catch (IOException e) {
      // closed anyway
    }
  }

  static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // closed anyway
    }
  }
}
