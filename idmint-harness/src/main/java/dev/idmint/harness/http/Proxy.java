package dev.idmint.harness.http;

import dev.idmint.harness.config.LatencyDist;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
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

  private static final int BUFFER = 16 << 10;

  final int index;
  final String name;
  final int port;
  private final int targetPort;
  private final EventLoop loop;
  private final ServerSocketChannel listener;
  private final InetSocketAddress target;

  /** Loss and latency draws, one pair per request, in the order requests reach this proxy. */
  private final SplittableRandom draws;

  private final LatencyDist dist;
  private final long latencyNanos;
  private final Set<Pair> pairs = new LinkedHashSet<>();
  private Cut cut = Cut.NONE;
  private double loss;

  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refusedByInstance = new AtomicLong();
  private final AtomicLong lostRequests = new AtomicLong();
  private final AtomicLong lostResponses = new AtomicLong();
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
          for (Pair p : List.copyOf(pairs)) {
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
          for (Pair p : List.copyOf(pairs)) {
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
        pairs.add(new Pair(ch));
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

  /** A client's connection and the proxy's own to the instance. */
  private final class Pair {
    final SocketChannel down;
    final SocketChannel up;
    final SelectionKey downKey;
    final SelectionKey upKey;

    /** Bytes on their way, each in fill mode: data in [0, position). */
    final ByteBuffer toUp = ByteBuffer.allocateDirect(BUFFER);

    final ByteBuffer toDown = ByteBuffer.allocateDirect(BUFFER);

    boolean upConnected;

    /** A request waits out its latency: nothing more is read from the client until it is sent. */
    boolean holding;

    /** The response to the request just relayed is to be lost: the connection is reset then. */
    boolean doomed;

    boolean downEof;
    boolean upEof;
    boolean closed;

    Pair(SocketChannel down) throws IOException {
      this.down = down;
      down.configureBlocking(false);
      down.setOption(StandardSocketOptions.TCP_NODELAY, true);
      up = SocketChannel.open();
      boolean now;
      try {
        up.configureBlocking(false);
        up.setOption(StandardSocketOptions.TCP_NODELAY, true);
        now = up.connect(target);
      } catch (IOException e) {
        closeQuietly(up);
        throw e;
      }
      downKey = down.register(loop.selector(), 0, (EventLoop.Handler) k -> fromDown(k));
      upKey =
          up.register(
              loop.selector(), now ? 0 : SelectionKey.OP_CONNECT, (EventLoop.Handler) this::fromUp);
      if (now) {
        upConnected = true;
        interest();
      }
    }

    private void fromDown(SelectionKey k) throws IOException {
      if (k.isReadable()) {
        readDown();
      }
      if (!closed && k.isValid() && k.isWritable()) {
        flush(toDown, down);
        if (upEof && toDown.position() == 0) {
          close();
          return;
        }
      }
      interest();
    }

    private void fromUp(SelectionKey k) throws IOException {
      if (k.isConnectable()) {
        try {
          up.finishConnect();
          upConnected = true;
        } catch (IOException e) {
          refusedByInstance.incrementAndGet(); // the instance is down: the client sees a reset
          reset();
          return;
        }
      }
      if (k.isValid() && k.isReadable()) {
        readUp();
      }
      if (!closed && k.isValid() && k.isWritable()) {
        flush(toUp, up);
      }
      interest();
    }

    private void readDown() throws IOException {
      int n;
      try {
        n = down.read(toUp);
      } catch (IOException e) {
        reset();
        return;
      }
      if (n < 0) {
        downEof = true;
        close(); // the client is done; HTTP has nothing more to say after its last request
        return;
      }
      if (n == 0) {
        return;
      }
      double u = draws.nextDouble(); // drawn with or without loss, so latencies stay in step
      long latency = dist.draw(draws, latencyNanos);
      if (u < loss / 2) {
        lostRequests.incrementAndGet(); // the instance never sees the request
        reset();
        return;
      }
      doomed = u < loss; // the instance does the work, and the client never hears of it
      if (latency > 0) {
        holding = true;
        loop.at(
            System.nanoTime() + latency,
            () -> {
              holding = false;
              if (!closed) {
                if (cut == Cut.NONE) {
                  flush(toUp, up);
                }
                interest();
              }
            });
        return;
      }
      flush(toUp, up);
    }

    private void readUp() throws IOException {
      int n;
      try {
        n = up.read(toDown);
      } catch (IOException e) {
        reset();
        return;
      }
      if (n < 0) {
        upEof = true; // the instance closed (or died): pass on what it said, then close
        if (toDown.position() == 0) {
          close();
        } else {
          flush(toDown, down);
          if (toDown.position() == 0) {
            close();
          }
        }
        return;
      }
      if (n > 0 && doomed) {
        lostResponses.incrementAndGet();
        reset();
        return;
      }
      flush(toDown, down);
    }

    /** Writes what it can of {@code buf} to {@code ch}, unless the instance is cut off. */
    private void flush(ByteBuffer buf, SocketChannel ch) {
      if (closed || cut != Cut.NONE || !upConnected || buf.position() == 0) {
        return;
      }
      if (buf == toUp && holding) {
        return;
      }
      buf.flip();
      try {
        ch.write(buf);
      } catch (IOException e) {
        buf.compact();
        reset();
        return;
      }
      buf.compact();
    }

    /** Sets what each side waits for: nothing while the instance is stalled off. */
    void interest() {
      if (closed) {
        return;
      }
      int d = 0;
      int u = upConnected ? 0 : SelectionKey.OP_CONNECT;
      if (upConnected && cut == Cut.NONE) {
        if (!holding && !downEof && toUp.hasRemaining()) {
          d |= SelectionKey.OP_READ;
        }
        if (toDown.position() > 0) {
          d |= SelectionKey.OP_WRITE;
        }
        if (!upEof && toDown.hasRemaining()) {
          u |= SelectionKey.OP_READ;
        }
        if (!holding && toUp.position() > 0) {
          u |= SelectionKey.OP_WRITE;
        }
      }
      if (downKey.isValid()) {
        downKey.interestOps(d);
      }
      if (upKey.isValid()) {
        upKey.interestOps(u);
      }
    }

    /** Resets both connections. */
    void reset() {
      if (!closed) {
        closed = true;
        pairs.remove(this);
        Proxy.reset(down);
        Proxy.reset(up);
      }
    }

    /** Closes both connections in good order. */
    void close() {
      if (!closed) {
        closed = true;
        pairs.remove(this);
        closeQuietly(down);
        closeQuietly(up);
      }
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // closed anyway
    }
  }
}
