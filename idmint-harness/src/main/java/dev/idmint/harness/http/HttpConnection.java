package dev.idmint.harness.http;

import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Violation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A worker's keep-alive connection to its target. The scheduler writes requests to it once it is
 * open; the client loop connects it, reads responses and closes it.
 */
final class HttpConnection implements EventLoop.Handler {
  private final HttpClients clients;
  private final EventLoop loop;
  final int target;
  final InetSocketAddress address;
  final ByteBuffer request;

  /** Set on the loop; read by the scheduler once {@link #open} is. */
  SocketChannel ch;

  /** Connected: the scheduler may write to it. */
  volatile boolean open;

  /** Closed or to be closed: no request goes on it any more. */
  volatile boolean dead;

  /** The request in flight, if any. */
  volatile Op op;

  /** Response bytes read so far; the loop's alone. */
  private byte[] in = new byte[2048];

  private ByteBuffer inBuf = ByteBuffer.wrap(in);

  HttpConnection(HttpClients clients, int target) {
    this.clients = clients;
    this.loop = clients.loop;
    this.target = target;
    this.address = clients.address(target);
    this.request = request(address.getPort());
  }

  /** The request, as bytes to write for a connection to {@code port}. */
  private static ByteBuffer request(int port) {
    byte[] b =
        ("POST /v1/ids?count=1 HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUser-Agent: idmint-test\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocateDirect(b.length).put(b).flip();
  }

  /** Opens the connection and sends the pending request; on the loop. */
  void connect() {
    if (dead) {
      return;
    }
    try {
      ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      clients.connections.increment();
      if (ch.connect(address)) {
        connected(ch.register(loop.selector(), SelectionKey.OP_READ, this));
      } else {
        ch.register(loop.selector(), SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException e) {
      fail("connection-refused", e);
    }
  }

  private void connected(SelectionKey key) {
    key.interestOps(SelectionKey.OP_READ);
    open = true;
    Op pending = op;
    if (pending != null) {
      writeRequest(pending);
    }
  }

  @Override
  public void ready(SelectionKey key) {
    if (key.isConnectable()) {
      try {
        ch.finishConnect();
      } catch (IOException e) {
        fail("connection-refused", e);
        return;
      }
      connected(key);
      return;
    }
    if (key.isReadable()) {
      read();
    }
  }

  /** Writes {@code op}'s request: from the scheduler, or from the loop right after connecting. */
  void writeRequest(Op op) {
    ByteBuffer b = request.duplicate();
    try {
      ch.write(b);
    } catch (IOException e) {
      dead = true;
      loop.execute(this::close);
      complete(op, "connection-reset", e);
      return;
    }
    if (b.hasRemaining()) {
      loop.execute(() -> writeRest(b)); // a full socket buffer: rare for 120 bytes
    }
    if (dead) { // closed as we wrote: the loop may have looked for a request before this one
      complete(op, "connection-closed", null);
    }
  }

  private void writeRest(ByteBuffer b) {
    try {
      while (b.hasRemaining() && !dead) {
        if (ch.write(b) == 0) {
          Thread.onSpinWait();
        }
      }
    } catch (IOException e) {
      fail("connection-reset", e);
    }
  }

  private void read() {
    int n;
    try {
      n = ch.read(inBuf);
    } catch (IOException e) {
      fail("connection-reset", e);
      return;
    }
    boolean eof = n < 0;
    long at = System.nanoTime();
    HttpResponse r;
    try {
      r = HttpResponse.parse(in, inBuf.position(), eof);
    } catch (HttpResponse.Malformed m) {
      clients.violation(
          target,
          "malformed-http",
          m.getMessage(),
          new String(in, 0, inBuf.position(), StandardCharsets.ISO_8859_1));
      fail("malformed-response", null);
      return;
    }
    if (r == null) {
      if (eof) {
        fail("connection-closed", null); // idle, or cut short: a kill can do either
      } else if (!inBuf.hasRemaining()) {
        in = Arrays.copyOf(in, in.length * 2);
        inBuf = ByteBuffer.wrap(in).position(inBuf.position());
      }
      return;
    }
    Op o = op;
    op = null;
    int extra = inBuf.position() - r.length();
    inBuf.clear();
    if (r.close() || eof || extra > 0) {
      dead = true;
      close();
    }
    if (o == null) {
      clients.unsolicited.increment(); // e.g. a 408 before an idle connection is closed
      return;
    }
    if (extra > 0) {
      clients.violation(
          target,
          "extra-bytes",
          "sent " + extra + " bytes after its response to one request",
          new String(in, r.length(), Math.min(extra, 200), StandardCharsets.ISO_8859_1));
    }
    outcome(o, r, at);
  }

  /** Classifies a response and completes its op. */
  private void outcome(Op o, HttpResponse r, long at) {
    int servedBy =
        target != Op.LB ? target : r.instance() == null ? Op.LB : clients.instance(r.instance());
    clients.countStatus(r.status());
    int status = r.status();
    int type;
    Object id = null;
    String error = null;
    String text = null;
    if (status == 200) {
      try {
        id = HttpResponse.singleId(r.body());
        type = Op.OK;
      } catch (HttpResponse.Malformed m) {
        clients.violation(
            servedBy, "malformed-body", "answered 200 with " + m.getMessage(), bodyText(r));
        type = Op.INFO;
        error = "malformed-response";
        text = m.getMessage();
      }
    } else if (status >= 400 && status < 600) {
      // A definite error is a fail; a server error may or may not have issued the ID: info.
      type = status < 500 ? Op.FAIL : Op.INFO;
      error = "http-" + status;
      text = Violation.shorten(bodyText(r).strip());
    } else {
      text =
          "answered POST /v1/ids with status "
              + status
              + " (expected 200, or 4xx or 5xx for an error)";
      clients.violation(servedBy, "unexpected-status", text, bodyText(r));
      type = Op.INFO;
      error = "malformed-response";
    }
    if (type == Op.INFO) {
      // The worker moves on: to another instance, or to a fresh connection to the balancer
      // (which may close this one after an error of its own).
      dead = true;
      close();
    }
    clients
        .workload()
        .complete(o, type, at, id, error, type == Op.OK ? -1 : status, text, servedBy);
  }

  /** The body as text: decoded only off the ok path, which never shows it. */
  private static String bodyText(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Ends the connection after an error, and the request in flight with it (info). */
  private void fail(String error, IOException cause) {
    dead = true;
    close();
    Op o = op;
    op = null;
    if (o != null) {
      complete(o, error, cause);
    }
  }

  private void complete(Op o, String error, IOException cause) {
    boolean mine =
        clients
            .workload()
            .complete(
                o,
                Op.INFO,
                System.nanoTime(),
                null,
                error,
                -1,
                cause == null ? null : String.valueOf(cause.getMessage()),
                target);
    if (mine) { // not already timed out
      switch (error) {
        case "connection-refused" -> clients.refused.increment();
        case "connection-reset" -> clients.resets.increment();
        case "connection-closed" -> clients.closes.increment();
        default -> {
          // a malformed response: a protocol violation, counted as such
        }
      }
    }
  }

  /** No more requests on this connection; the loop closes it. */
  void discard() {
    dead = true;
    loop.execute(this::close);
  }

  /** On the loop. */
  void close() {
    dead = true;
    open = false;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closed anyway
      }
    }
  }
}
