package dev.idmint.harness.http;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A client's connection through a {@link Proxy} and the proxy's own to the instance: bytes relayed
 * both ways, held while the instance is cut off or a request waits out its latency, reset when the
 * loss fault says so. Its proxy's event loop's alone.
 */
final class Relay {
  private final Proxy proxy;
  final SocketChannel down;
  final SocketChannel up;
  final SelectionKey downKey;
  final SelectionKey upKey;

  /** Bytes on their way, each in fill mode: data in [0, position). */
  final ByteBuffer toUp = ByteBuffer.allocateDirect(Proxy.BUFFER);

  final ByteBuffer toDown = ByteBuffer.allocateDirect(Proxy.BUFFER);

  boolean upConnected;

  /** A request waits out its latency: nothing more is read from the client until it is sent. */
  boolean holding;

  /** The response to the request just relayed is to be lost: the connection is reset then. */
  boolean doomed;

  boolean downEof;
  boolean upEof;
  boolean closed;

  Relay(Proxy proxy, SocketChannel down) throws IOException {
    this.proxy = proxy;
    this.down = down;
    down.configureBlocking(false);
    down.setOption(StandardSocketOptions.TCP_NODELAY, true);
    up = SocketChannel.open();
    boolean now;
    try {
      up.configureBlocking(false);
      up.setOption(StandardSocketOptions.TCP_NODELAY, true);
      now = up.connect(proxy.target);
    } catch (IOException e) {
      Proxy.closeQuietly(up);
      throw e;
    }
    downKey = down.register(proxy.loop.selector(), 0, (EventLoop.Handler) k -> fromDown(k));
    upKey =
        up.register(
            proxy.loop.selector(),
            now ? 0 : SelectionKey.OP_CONNECT,
            (EventLoop.Handler) this::fromUp);
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
        proxy.refusedByInstance.incrementAndGet(); // the instance is down: the client sees a reset
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
    double u = proxy.draws.nextDouble(); // drawn with or without loss, so latencies stay in step
    long latency = proxy.dist.draw(proxy.draws, proxy.latencyNanos);
    if (u < proxy.loss / 2) {
      proxy.lostRequests.incrementAndGet(); // the instance never sees the request
      reset();
      return;
    }
    doomed = u < proxy.loss; // the instance does the work, and the client never hears of it
    if (latency > 0) {
      holding = true;
      proxy.loop.at(
          System.nanoTime() + latency,
          () -> {
            holding = false;
            if (!closed) {
              if (proxy.cut == Proxy.Cut.NONE) {
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
      proxy.lostResponses.incrementAndGet();
      reset();
      return;
    }
    flush(toDown, down);
  }

  /** Writes what it can of {@code buf} to {@code ch}, unless the instance is cut off. */
  private void flush(ByteBuffer buf, SocketChannel ch) {
    if (closed || proxy.cut != Proxy.Cut.NONE || !upConnected || buf.position() == 0) {
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
    if (upConnected && proxy.cut == Proxy.Cut.NONE) {
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
      proxy.pairs.remove(this);
      Proxy.reset(down);
      Proxy.reset(up);
    }
  }

  /** Closes both connections in good order. */
  void close() {
    if (!closed) {
      closed = true;
      proxy.pairs.remove(this);
      Proxy.closeQuietly(down);
      Proxy.closeQuietly(up);
    }
  }
}
