package dev.idmint.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** A blocking HTTP/1.1 client over a plain socket, for tests that need exact bytes and timing. */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawClient(InetSocketAddress address) throws IOException {
    this(address, 0);
  }

  /**
   * @param receiveBuffer the socket's receive buffer in bytes, set before connecting so that it
   *     bounds the window too; 0 for the system's default
   */
  RawClient(InetSocketAddress address, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(address, 5000);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Sends {@code GET path} and reads its response. */
  HttpResponses.Response get(String path) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
    return read();
  }

  /** Reads one response (which must carry a Content-Length). */
  HttpResponses.Response read() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0; // how much of "\r\n\r\n" has been seen
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + buf);
      }
      buf.write(b);
      state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
    }
    String head = buf.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    buf.write(in.readNBytes(length));
    List<HttpResponses.Response> rs = HttpResponses.parse(buf.toByteArray(), false);
    return rs.get(0);
  }

  /** Whether the server closed the connection within {@code millis}, reading what it sent. */
  boolean closedWithin(long millis) throws IOException {
    socket.setSoTimeout((int) millis);
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    } finally {
      socket.setSoTimeout(10_000);
    }
  }

  /**
   * Sends {@code chunk} over and over, {@code pauseNanos} apart, on a thread of its own (at most
   * 20,000 times), until closed or the server stops taking it: input that keeps arriving while the
   * server closes the connection.
   */
  AutoCloseable keepSending(String chunk, long pauseNanos) {
    byte[] bytes = chunk.getBytes(StandardCharsets.ISO_8859_1);
    AtomicBoolean stop = new AtomicBoolean();
    Thread t =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 20_000 && !stop.get(); i++) {
                  out.write(bytes);
                  out.flush();
                  if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                  }
                }
              } catch (IOException e) {
                // the server closed: what this is for ends here
              }
            },
            "raw-client-sender");
    t.setDaemon(true);
    t.start();
    return () -> {
      stop.set(true);
      t.join(5000);
    };
  }

  /** The raw input stream, for tests that read responses as they come. */
  InputStream in() {
    return in;
  }

  /** Everything until the server closes, as text. */
  String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
