package dev.idmint.harness.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A stand-in instance on a free loopback port: each connection served on a thread of its own. */
final class LoopbackServer implements AutoCloseable {
  /** What the instance does with one connection, until it returns or the client goes away. */
  interface Session {
    void serve(Socket s) throws IOException;
  }

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  LoopbackServer(Session session) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  sockets.add(s);
                  daemon(() -> serve(s, session));
                } catch (IOException e) {
                  return;
                }
              }
            });
    daemon(t);
  }

  private static void serve(Socket s, Session session) {
    try (s) {
      session.serve(s);
    } catch (IOException e) {
      // the client went away, or was reset
    }
  }

  private static void daemon(Runnable r) {
    Thread t = r instanceof Thread th ? th : new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port());
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
