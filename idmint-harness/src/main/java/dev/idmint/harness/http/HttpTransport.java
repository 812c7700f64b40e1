package dev.idmint.harness.http;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.Ports;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Transport;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Violations;
import dev.idmint.harness.run.Workload;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP ID services as the harness reaches them (idmint test --http). Each instance listens on a
 * loopback port of its own behind a {@link Proxy} the harness owns; each worker is an HTTP/1.1
 * keep-alive client of its instance's proxy, or with {@code --lb haproxy} of HAProxy, which
 * balances over the proxies. A request is {@code POST /v1/ids?count=1}; a service is up once {@code
 * GET /readyz} answers 200.
 *
 * <p>A worker's request is written straight from the scheduler's thread when its connection is
 * open; responses are read and checked, and the proxies relay, on one event loop.
 */
public final class HttpTransport implements Transport {
  /** The fraction of requests whose connection the loss fault resets. */
  static final double LOSS = 0.2;

  /** How often readiness is polled while an instance comes up. */
  static final long READY_POLL_MILLIS = 20;

  private final Config config;
  private final Path runDir;
  private final Console console;
  private final Violations violations;

  /**
   * Reads the responses and runs the proxies: one thread measured cheaper than one each (less
   * switching on a busy machine) and as fast.
   */
  private final EventLoop loop;

  private ClusterNode[] nodes = new ClusterNode[0];
  private List<String> ids = List.of();
  private final Map<String, Integer> index = new HashMap<>();
  private int[] ports = new int[0];
  private Path[] states = new Path[0];
  private Proxy[] proxies = new Proxy[0];

  /** Each instance's last readiness answer, for the reason it did not come up. */
  private AtomicReferenceArray<String> readiness = new AtomicReferenceArray<>(0);

  private Haproxy haproxy;

  /** Where workers connect: their instance's proxy, or HAProxy. */
  private InetSocketAddress[] proxyAddresses = new InetSocketAddress[0];

  private InetSocketAddress lbAddress;

  /** Each worker's connection; the scheduler's alone. */
  private Conn[] conns = new Conn[0];

  private volatile Workload workload;

  private volatile boolean stopping;

  private final LongAdder requests = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder closes = new LongAdder();
  private final LongAdder unsolicited = new LongAdder();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

  public HttpTransport(Config config, Path runDir, Console console) throws IOException {
    this.config = config;
    this.runDir = runDir;
    this.console = console;
    this.violations = new Violations(console);
    this.loop = new EventLoop("http", console);
  }

  @Override
  public void attach(ClusterNode[] cluster) throws IOException {
    nodes = cluster;
    List<String> names = new ArrayList<>();
    ports = new int[cluster.length];
    states = new Path[cluster.length];
    proxies = new Proxy[cluster.length];
    proxyAddresses = new InetSocketAddress[cluster.length];
    readiness = new AtomicReferenceArray<>(cluster.length);
    Path stateRoot = runDir.resolve("state");
    for (ClusterNode n : cluster) {
      names.add(n.id);
      index.put(n.id, n.index);
      ports[n.index] = Ports.free();
      states[n.index] = Files.createDirectories(stateRoot.resolve(n.id));
      proxies[n.index] =
          new Proxy(
              n.index,
              n.id,
              ports[n.index],
              loop,
              Seeds.sender(config.seed(), n.index),
              config.latencyDist(),
              config.latencyMs());
      proxyAddresses[n.index] = new InetSocketAddress("127.0.0.1", proxies[n.index].port);
    }
    ids = List.copyOf(names);
  }

  // ---- processes

  /**
   * The command with {@code {port}}, {@code {index}}, {@code {node}} and {@code {state}} filled.
   */
  @Override
  public List<String> command(ClusterNode n) {
    List<String> cmd = new ArrayList<>();
    for (String a : config.command()) {
      cmd.add(
          a.replace("{port}", Integer.toString(ports[n.index]))
              .replace("{index}", Integer.toString(n.index))
              .replace("{node}", n.id)
              .replace("{state}", states[n.index].toString()));
    }
    return cmd;
  }

  @Override
  public void environment(ClusterNode n, Map<String, String> env) {
    env.put("IDMINT_PORT", Integer.toString(ports[n.index]));
    env.put("IDMINT_WORKER_ID", Integer.toString(n.index));
    env.put("IDMINT_NODE", n.id);
    env.put("IDMINT_STATE_DIR", states[n.index].toString());
  }

  @Override
  public boolean readsStdout() {
    return false;
  }

  @Override
  public void started(ClusterNode n, ClusterNode.Proc p) {}

  /** Polls {@code GET /readyz} on the instance's own port (not through its proxy) until 200. */
  @Override
  public long bringUp(ClusterNode n, ClusterNode.Proc p) {
    long start = System.nanoTime();
    long deadline = start + Cluster.INIT_TIMEOUT_NANOS;
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", ports[n.index]);
    readiness.set(n.index, "was never reachable");
    Thread poller =
        new Thread(
            () -> {
              while (!p.up.isDone() && !stopping && System.nanoTime() < deadline) {
                try {
                  int status = get(at, "/readyz");
                  if (status == 200) {
                    p.up.complete(status);
                    return;
                  }
                  readiness.set(n.index, "last answered " + status);
                } catch (IOException e) {
                  readiness.set(n.index, "last failed: " + e.getMessage());
                }
                try {
                  Thread.sleep(READY_POLL_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "ready-" + n.id + "-" + p.incarnation);
    poller.setDaemon(true);
    poller.start();
    return start;
  }

  @Override
  public String notUp(Object answer) {
    return null; // only a 200 completes the wait
  }

  @Override
  public String upTimedOut(ClusterNode n) {
    return "was not ready within 10 s (GET /readyz on port "
        + ports[n.index]
        + " "
        + readiness.get(n.index)
        + ")";
  }

  @Override
  public String exitedBeforeUp(int status) {
    return "exited with status " + status + " before it was ready";
  }

  /**
   * One {@code GET path} on a fresh connection.
   *
   * @return the status
   * @throws IOException if there is no HTTP answer within a second
   */
  static int get(InetSocketAddress at, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(at, 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + at.getPort()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = 0;
      while (true) { // the whole response, so the server is not cut off as it writes
        int r = in.read(buf, n, buf.length - n);
        try {
          HttpResponse resp = HttpResponse.parse(buf, n + Math.max(r, 0), r < 0);
          if (resp != null) {
            return resp.status();
          }
        } catch (HttpResponse.Malformed e) {
          throw new IOException("not an HTTP response: " + e.getMessage());
        }
        if (r < 0) {
          throw new IOException("the connection closed before a whole response");
        }
        n += r;
        if (n == buf.length) {
          buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, 2 * HttpResponse.MAX_BODY));
        }
      }
    }
  }

  // ---- the balancer

  @Override
  public void instancesUp() throws IOException {
    if (!config.http().lb()) {
      return;
    }
    List<Integer> backends = new ArrayList<>();
    for (Proxy p : proxies) {
      backends.add(p.port);
    }
    haproxy =
        new Haproxy(
            config.http().haproxy(),
            config.http().haproxyConfig(),
            runDir,
            Ports.free(),
            ids,
            backends,
            console);
    lbAddress = new InetSocketAddress("127.0.0.1", haproxy.port());
  }

  // ---- clients

  @Override
  public int home(int w, int nodeCount) {
    return config.http().lb() ? Op.LB : w % nodeCount;
  }

  @Override
  public String addWorker(Workload workload, Workload.Worker w) {
    this.workload = workload;
    if (w.index >= conns.length) {
      conns = java.util.Arrays.copyOf(conns, Math.max(16, w.index * 2 + 1));
    }
    return "c" + w.index;
  }

  @Override
  public void send(Workload.Worker w, Op op) {
    requests.increment();
    int target = op.node;
    Conn c = conns[w.index];
    if (c != null && (c.dead || c.target != target)) {
      c.discard();
      c = null;
    }
    if (c == null) {
      c = new Conn(target);
      conns[w.index] = c;
      c.op = op;
      loop.execute(c::connect);
      return;
    }
    c.op = op;
    c.writeRequest(op);
  }

  @Override
  public void timedOut(Workload.Worker w, Op op) {
    Conn c = conns[w.index];
    if (c != null && c.op == op) {
      c.discard(); // its response may still come: the connection cannot carry another request
    }
  }

  /** After an info the worker moves to the next instance, as a load balancer would. */
  @Override
  public int afterInfo(int instance) {
    return instance == Op.LB ? Op.LB : (instance + 1) % nodes.length;
  }

  /** Where the warm-up's checksum goes, so the JIT cannot drop the work as unused. */
  private static volatile long warmUpSink;

  @Override
  public void warmUp() {
    byte[] ok =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 31\r\n\r\n{\"ids\":[\"1234567890123456789\"]}"
            .getBytes(StandardCharsets.US_ASCII);
    long sum = 0;
    for (int i = 0; i < 30_000; i++) {
      try {
        HttpResponse r = HttpResponse.parse(ok, ok.length, false);
        sum += r.length() + HttpResponse.singleId(r.body()).hashCode();
      } catch (HttpResponse.Malformed e) {
        throw new IllegalStateException(e);
      }
    }
    warmUpSink = sum;
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

  /**
   * A worker's keep-alive connection to its target. The scheduler writes requests to it once it is
   * open; the client loop connects it, reads responses and closes it.
   */
  private final class Conn implements EventLoop.Handler {
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

    Conn(int target) {
      this.target = target;
      this.address = target == Op.LB ? lbAddress : proxyAddresses[target];
      this.request = request(address.getPort());
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
        connections.increment();
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
        violation(
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
          in = java.util.Arrays.copyOf(in, in.length * 2);
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
        unsolicited.increment(); // e.g. a 408 before an idle connection is closed
        return;
      }
      if (extra > 0) {
        violation(
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
          target != Op.LB
              ? target
              : r.instance() == null ? Op.LB : index.getOrDefault(r.instance(), Op.LB);
      statuses.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
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
          violation(servedBy, "malformed-body", "answered 200 with " + m.getMessage(), bodyText(r));
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
        violation(servedBy, "unexpected-status", text, bodyText(r));
        type = Op.INFO;
        error = "malformed-response";
      }
      if (type == Op.INFO) {
        // The worker moves on: to another instance, or to a fresh connection to the balancer
        // (which may close this one after an error of its own).
        dead = true;
        close();
      }
      workload.complete(o, type, at, id, error, type == Op.OK ? -1 : status, text, servedBy);
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
          workload.complete(
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
          case "connection-refused" -> refused.increment();
          case "connection-reset" -> resets.increment();
          case "connection-closed" -> closes.increment();
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

  /** Records a protocol violation by the instance that answered (or the balancer). */
  private void violation(int servedBy, String kind, String message, String text) {
    String who = servedBy >= 0 ? ids.get(servedBy) : "haproxy";
    Violation v =
        new Violation(System.nanoTime(), who, kind, message, false, Violation.shorten(text));
    violations.add(v, "\nidmint test: " + who + " " + message + ":\n  " + v.line());
  }

  // ---- faults

  /** Cuts the targets off from their clients (stalled or refused), or heals every cut. */
  @Override
  public Nemesis.Effect partition(NemesisPlan.Event e) {
    if (!e.start()) {
      for (Proxy p : proxies) {
        p.cut(Proxy.Cut.NONE);
      }
      return new Nemesis.Effect("network-healed", "healed", null);
    }
    boolean refuse = "refuse".equals(e.kind());
    List<String> cut = new ArrayList<>();
    for (int i : e.nodes()) {
      proxies[i].cut(refuse ? Proxy.Cut.REFUSE : Proxy.Cut.STALL);
      cut.add(ids.get(i));
    }
    String from = config.http().lb() ? "haproxy" : "their clients";
    return new Nemesis.Effect(
        JsonMap.of("spec", e.spec(), "kind", e.kind(), "cut", cut),
        "cut "
            + Text.join(cut)
            + " off from "
            + from
            + (refuse ? " (connections refused)" : " (connections stall)"),
        Text.join(cut) + (refuse ? " refused" : " stalled"));
  }

  @Override
  public Nemesis.Effect loss(boolean on) {
    double p = on ? LOSS : 0;
    for (Proxy x : proxies) {
      x.loss(p);
    }
    return new Nemesis.Effect(
        JsonMap.of("reset_fraction", p),
        on
            ? "resetting the connections of "
                + Math.round(p * 100)
                + "% of requests (half before the instance sees them, half after)"
            : "stopped",
        Math.round(LOSS * 100) + "% reset");
  }

  // ---- the run

  @Override
  public void start() {}

  @Override
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    if (haproxy != null) {
      haproxy.stop();
    }
    for (Proxy p : proxies) {
      p.close();
    }
    loop.close();
  }

  @Override
  public boolean stopping() {
    return stopping;
  }

  @Override
  public Stats stats() {
    Map<Integer, Long> byStatus = new TreeMap<>();
    statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
    List<Proxy.Stats> px = new ArrayList<>();
    for (Proxy p : proxies) {
      px.add(p.stats());
    }
    return new Stats(
        violations.list(),
        violations.count(),
        requests.sum(),
        connections.sum(),
        byStatus,
        refused.sum(),
        resets.sum(),
        closes.sum(),
        unsolicited.sum(),
        px,
        haproxy == null ? null : "127.0.0.1:" + haproxy.port(),
        haproxy == null ? null : haproxy.exitedEarly());
  }

  /**
   * What the clients and proxies saw.
   *
   * @param lb HAProxy's address, or null without it
   * @param lbExit HAProxy's exit status if it exited on its own, else null
   */
  record Stats(
      List<Violation> violations,
      long violationCount,
      long requests,
      long connections,
      Map<Integer, Long> statuses,
      long refused,
      long resets,
      long closes,
      long unsolicited,
      List<Proxy.Stats> proxies,
      String lb,
      Integer lbExit)
      implements Transport.Stats {

    @Override
    public void addResults(Map<String, Object> results, int attempted) {
      Map<String, Object> http = new LinkedHashMap<>();
      http.put("requests", requests);
      Map<String, Object> st = new LinkedHashMap<>();
      statuses.forEach((k, v) -> st.put(Integer.toString(k), v));
      http.put("responses_by_status", st);
      http.put("connections_opened", connections);
      http.put(
          "connection_errors", JsonMap.of("refused", refused, "reset", resets, "closed", closes));
      http.put("unsolicited_responses", unsolicited);
      http.put(
          "load_balancer", lb == null ? null : JsonMap.of("haproxy", lb, "exit_status", lbExit));
      List<Object> px = new ArrayList<>();
      for (Proxy.Stats p : proxies) {
        px.add(
            JsonMap.of(
                "instance", p.instance(),
                "port", p.port(),
                "instance_port", p.targetPort(),
                "connections", p.accepted(),
                "refused_by_instance", p.refusedByInstance(),
                "requests_lost", p.lostRequests(),
                "responses_lost", p.lostResponses(),
                "cut_by_partition", p.cutByPartition()));
      }
      http.put("proxies", px);
      results.put("http", http);
    }

    @Override
    public String failure() {
      return lbExit == null ? null : "haproxy exited on its own with status " + lbExit;
    }

    @Override
    public List<String> summary() {
      List<String> out = new ArrayList<>();
      StringBuilder s = new StringBuilder();
      statuses.forEach(
          (k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(" ×").append(v));
      long errors = refused + resets + closes;
      out.add(
          "http         "
              + requests
              + " requests on "
              + connections
              + " connections"
              + (lb != null ? " to haproxy" : "")
              + "; "
              + (s.length() == 0 ? "no responses" : "responses " + s)
              + (errors > 0
                  ? "; "
                      + errors
                      + " connection errors ("
                      + refused
                      + " refused, "
                      + resets
                      + " reset, "
                      + closes
                      + " closed)"
                  : ""));
      long lostReq = 0;
      long lostResp = 0;
      long cut = 0;
      long down = 0;
      for (Proxy.Stats p : proxies) {
        lostReq += p.lostRequests();
        lostResp += p.lostResponses();
        cut += p.cutByPartition();
        down += p.refusedByInstance();
      }
      out.add(
          String.format(
              Locale.ROOT,
              "proxies      %d requests and %d responses lost to resets, %d connections cut by"
                  + " partitions, %d refused by an instance that was down",
              lostReq,
              lostResp,
              cut,
              down));
      if (lbExit != null) {
        out.add("haproxy      EXITED on its own with status " + lbExit);
      }
      return out;
    }
  }
}
