package dev.idmint.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of one etcd member, to cut a client off from etcd: {@link
 * #cut()} resets every connection and refuses new ones; {@link #blackhole()} keeps connections open
 * but lets no byte through, as a partition does; {@link #heal()} lets traffic through again.
 */
public final class TcpProxy implements AutoCloseable {
  private enum Mode {
    PASS,
    CUT,
    BLACKHOLE
  }

  private final ServerSocket server;
  private final int target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;

  private TcpProxy(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  /** A proxy from a free port to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy to(int targetPort) throws IOException {
    return new TcpProxy(targetPort);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Resets every connection; new ones are closed at once. */
  public void cut() {
    mode = Mode.CUT;
    closeAll();
  }

  /** Connections stay open, but nothing goes through either way. */
  public void blackhole() {
    mode = Mode.BLACKHOLE;
  }

  /** Traffic flows again; connections cut stay cut, blackholed ones are dropped. */
  public void heal() {
    if (mode == Mode.BLACKHOLE) {
      closeAll(); // bytes swallowed mid-request would leave the streams corrupt
    }
    mode = Mode.PASS;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    closeAll();
  }

  private void accept() {
    while (!closed) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return;
      }
      if (mode == Mode.CUT) {
        quietly(in);
        continue;
      }
      sockets.add(in);
      if (mode == Mode.BLACKHOLE) {
        continue; // held open, never served
      }
      Socket out = new Socket();
      try {
        out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 1000);
      } catch (IOException e) {
        sockets.remove(in);
        quietly(in);
        quietly(out);
        continue;
      }
      sockets.add(out);
      pump(in, out);
      pump(out, in);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  if (mode == Mode.PASS) {
                    out.write(buf, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // one side closed: close both
              } finally {
                quietly(from);
                quietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void closeAll() {
    for (Socket s : Set.copyOf(sockets)) {
      quietly(s);
      sockets.remove(s);
    }
  }

  private static void quietly(Socket s) {
    try {
      s.setSoLinger(true, 0); // a reset, not a clean close
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
