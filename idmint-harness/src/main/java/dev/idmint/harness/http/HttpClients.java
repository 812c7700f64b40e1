package dev.idmint.harness.http;

import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.Clients;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Violations;
import dev.idmint.harness.run.Workload;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The workers as HTTP/1.1 keep-alive clients, each of its instance's proxy, or with {@code --lb
 * haproxy} of HAProxy. A worker's request is written straight from the scheduler's thread when its
 * connection is open; responses are read and checked on the event loop.
 */
final class HttpClients implements Clients {
  final EventLoop loop;
  private final List<String> ids;
  private final Map<String, Integer> index = new HashMap<>();
  private final boolean lb;
  private final Violations violations;

  /** Where workers connect: their instance's proxy, or HAProxy; set before the load. */
  private volatile InetSocketAddress[] proxies = new InetSocketAddress[0];

  private volatile InetSocketAddress lbAddress;

  /** Each worker's connection; the scheduler's alone. */
  private HttpConnection[] conns = new HttpConnection[0];

  private volatile Workload workload;

  final LongAdder requests = new LongAdder();
  final LongAdder connections = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder resets = new LongAdder();
  final LongAdder closes = new LongAdder();
  final LongAdder unsolicited = new LongAdder();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

  /** Where the warm-up's checksum goes, so the JIT cannot drop the work as unused. */
  private static volatile long warmUpSink;

  HttpClients(EventLoop loop, List<String> ids, boolean lb, Console console) {
    this.loop = loop;
    this.ids = ids;
    this.lb = lb;
    this.violations = new Violations(console);
    for (int i = 0; i < ids.size(); i++) {
      index.put(ids.get(i), i);
    }
  }

  /** The workers connect to these: the instances' proxies, and HAProxy if there is one. */
  void connectTo(InetSocketAddress[] proxies, InetSocketAddress lbAddress) {
    this.proxies = proxies;
    this.lbAddress = lbAddress;
  }

  InetSocketAddress address(int target) {
    return target == Op.LB ? lbAddress : proxies[target];
  }

  Workload workload() {
    return workload;
  }

  /** The index of the instance HAProxy named, or {@link Op#LB} for a name it does not know. */
  int instance(String name) {
    return index.getOrDefault(name, Op.LB);
  }

  void countStatus(int status) {
    statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
  }

  @Override
  public int home(int w, int nodeCount) {
    return lb ? Op.LB : w % nodeCount;
  }

  @Override
  public String addWorker(Workload workload, Workload.Worker w) {
    this.workload = workload;
    if (w.index >= conns.length) {
      conns = Arrays.copyOf(conns, Math.max(16, w.index * 2 + 1));
    }
    return "c" + w.index;
  }

  @Override
  public void send(Workload.Worker w, Op op) {
    requests.increment();
    int target = op.node;
    HttpConnection c = conns[w.index];
    if (c != null && (c.dead || c.target != target)) {
      c.discard();
      c = null;
    }
    if (c == null) {
      c = new HttpConnection(this, target);
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
    HttpConnection c = conns[w.index];
    if (c != null && c.op == op) {
      c.discard(); // its response may still come: the connection cannot carry another request
    }
  }

  /**
   * After an info the worker tries the next instance, as a load balancer would; after an answer
   * there it goes back to its own, so an instance that was down or cut off is asked again as soon
   * as it is back, as a Jepsen worker bound to its node would ask it.
   */
  @Override
  public int next(Workload.Worker w, int type) {
    if (w.node == Op.LB) {
      return Op.LB;
    }
    return type == Op.INFO ? (w.node + 1) % ids.size() : w.home;
  }

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

  /** Records a protocol violation by the instance that answered (or the balancer). */
  void violation(int servedBy, String kind, String message, String text) {
    String who = servedBy >= 0 ? ids.get(servedBy) : "haproxy";
    Violation v =
        new Violation(System.nanoTime(), who, kind, message, false, Violation.shorten(text));
    violations.add(v, "\nidmint test: " + who + " " + message + ":\n  " + v.line());
  }

  /** What the clients saw, with the proxies' and HAProxy's part. */
  HttpStats stats(List<Proxy.Stats> proxyStats, String lb, Integer lbExit) {
    Map<Integer, Long> byStatus = new TreeMap<>();
    statuses.forEach((k, v) -> byStatus.put(k, v.sum()));
    return new HttpStats(
        violations.list(),
        violations.count(),
        requests.sum(),
        connections.sum(),
        byStatus,
        refused.sum(),
        resets.sum(),
        closes.sum(),
        unsolicited.sum(),
        proxyStats,
        lb,
        lbExit);
  }
}
