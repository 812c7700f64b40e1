package dev.idmint.harness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Maelstrom's network: checks every line a node prints, routes messages to clients at once, to
 * nodes through their inboxes with latency and loss, and to Maelstrom's services with latency, and
 * holds the partition grudge that inboxes apply at delivery time. Clients are never partitioned and
 * see no latency or loss; services are never partitioned and see no loss.
 *
 * <p>Loss and latency are drawn from one seeded stream per sender (node or service), so a node that
 * sends the same messages in two runs with the same seed has the same ones dropped and delayed
 * alike, however the threads of the harness interleave.
 */
final class Network {
  /** A client: it gets the bodies of messages addressed to it. */
  interface Endpoint {
    void receive(ClusterNode from, long at, Envelope.Reply body, byte[] line, int off, int len);
  }

  /** {@link ClusterNode.Msg#fromNode} of a message from a client: no partition applies. */
  static final int FROM_CLIENT = -1;

  /** {@link ClusterNode.Msg#fromNode} of a message from a service: no partition applies. */
  static final int FROM_SERVICE = -2;

  /**
   * The network's counters and protocol violations at one moment.
   *
   * @param serverSent messages sent by nodes and services to nodes and services, as Maelstrom's net
   *     checker counts servers
   * @param unmatchedReplies replies to requests their client already gave up on, or never sent
   * @param violations the first violations, up to a thousand
   */
  record Stats(
      long clientSent,
      long clientReceived,
      long serverSent,
      long serverReceived,
      long droppedByLoss,
      long droppedByPartition,
      long unmatchedReplies,
      List<Violation> violations,
      long violationCount,
      List<ServiceNode.Stats> services) {}

  private static final int MAX_NOTICES = 10;
  private static final int MAX_KEPT_VIOLATIONS = 1000;

  private ClusterNode[] nodes = new ClusterNode[0];
  private final int firstNodeNumber;
  private final Map<String, ServiceNode> services = new LinkedHashMap<>();

  /** Per sending node: its loss and latency draws, in the order it sends. */
  private SplittableRandom[] draws = new SplittableRandom[0];

  private final long seed;
  private final long latencyNanos;
  private final LatencyDist dist;
  private final Console console;
  private final Traffic traffic;

  private volatile boolean[][] drops;
  private volatile double loss;
  private volatile boolean stopping;
  private final AtomicLong messageIds = new AtomicLong();
  private volatile Endpoint[] clients = new Endpoint[16];
  private volatile int clientCount;

  private final LongAdder clientSent = new LongAdder();
  private final LongAdder clientReceived = new LongAdder();
  private final LongAdder serverSent = new LongAdder();
  private final LongAdder serverReceived = new LongAdder();
  private final LongAdder droppedByLoss = new LongAdder();
  private final LongAdder droppedByPartition = new LongAdder();
  private final LongAdder unmatchedReplies = new LongAdder();
  private final AtomicLong serviceNotices = new AtomicLong();

  private final List<Violation> violations = new ArrayList<>();
  private final AtomicLong violationCount = new AtomicLong();

  /**
   * @param firstNodeNumber the number in the first node's name: 1 for n1..n5, 0 for n0..
   */
  Network(
      double latencyMs,
      LatencyDist dist,
      long seed,
      int firstNodeNumber,
      Traffic traffic,
      Console console) {
    this.latencyNanos = (long) (latencyMs * 1e6);
    this.dist = dist;
    this.seed = seed;
    this.firstNodeNumber = firstNodeNumber;
    this.traffic = traffic;
    this.console = console;
  }

  /** Salts the per-sender draw streams apart from the request plan's and the nemesis's. */
  static final long DRAW_SALT = 1L << 32;

  void setNodes(ClusterNode[] nodes) {
    SplittableRandom[] d = new SplittableRandom[nodes.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = new SplittableRandom(NemesisPlan.mix(seed, DRAW_SALT + i));
    }
    this.draws = d;
    this.nodes = nodes;
  }

  /** Starts Maelstrom's services, each on a thread of its own. */
  void startServices() {
    for (int i = 0; i < Service.NAMES.size(); i++) {
      String name = Service.NAMES.get(i);
      ServiceNode s = new ServiceNode(name, NemesisPlan.mix(seed, 2 * DRAW_SALT + i), this);
      services.put(name, s);
      s.start();
    }
  }

  Stats stats() {
    List<ServiceNode.Stats> svc = new ArrayList<>();
    services.values().forEach(s -> svc.add(s.stats()));
    return new Stats(
        clientSent.sum(),
        clientReceived.sum(),
        serverSent.sum(),
        serverReceived.sum(),
        droppedByLoss.sum(),
        droppedByPartition.sum(),
        unmatchedReplies.sum(),
        violations(),
        violationCount.get(),
        List.copyOf(svc));
  }

  Traffic traffic() {
    return traffic;
  }

  // ---- faults

  /** Installs a partition: {@code m[dest][src]} drops; null heals. */
  void partition(boolean[][] m) {
    drops = m;
  }

  boolean drops(int dest, int src) {
    boolean[][] d = drops;
    return d != null && d[dest][src];
  }

  void setLoss(double p) {
    loss = p;
  }

  void stop() {
    stopping = true;
    services.values().forEach(ServiceNode::close);
  }

  boolean stopping() {
    return stopping;
  }

  // ---- clients

  /** Registers a client and returns its number: its id is {@code c<number>}. */
  synchronized int addClient(Endpoint e) {
    Endpoint[] cs = clients;
    if (clientCount == cs.length) {
      cs = java.util.Arrays.copyOf(cs, cs.length * 2);
    }
    int n = clientCount;
    cs[n] = e;
    clients = cs;
    clientCount = n + 1; // published after the slot, so readers that see the count see the client
    return n;
  }

  /** Where the scheduler builds requests; its thread's alone. */
  private final byte[] request = new byte[160];

  /**
   * A generate request from a client to a node: no latency, no loss, no partition. Called by the
   * scheduler thread only; an idle node gets it at once without a copy.
   */
  void sendFromClient(String client, ClusterNode dest, long msgId) {
    long id = messageIds.incrementAndGet();
    byte[] b = request;
    int n = ascii(b, 0, "{\"id\":");
    n = decimal(b, n, id);
    n = ascii(b, n, ",\"src\":\"");
    n = ascii(b, n, client);
    n = ascii(b, n, "\",\"dest\":\"");
    n = ascii(b, n, dest.id);
    n = ascii(b, n, "\",\"body\":{\"type\":\"generate\",\"msg_id\":");
    n = decimal(b, n, msgId);
    n = ascii(b, n, "}}\n");
    clientSent.increment();
    long now = System.nanoTime();
    byte[] copy = null;
    if (traffic.on()) {
      copy = java.util.Arrays.copyOf(b, n);
      traffic.sent(id, client, dest.id, "generate", copy, n - 1, now);
    }
    if (dest.writeDirect(b, n)) {
      clientReceived.increment();
      if (copy != null) {
        traffic.delivered(id, copy, n - 1, now);
      }
    } else {
      dest.enqueue(
          new ClusterNode.Msg(
              now, id, FROM_CLIENT, copy != null ? copy : java.util.Arrays.copyOf(b, n)));
    }
  }

  private static int ascii(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      b[at++] = (byte) s.charAt(i);
    }
    return at;
  }

  /** Writes a non-negative number in decimal. */
  private static int decimal(byte[] b, int at, long v) {
    int start = at;
    do {
      b[at++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    for (int i = start, j = at - 1; i < j; i++, j--) {
      byte t = b[i];
      b[i] = b[j];
      b[j] = t;
    }
    return at;
  }

  /**
   * A client message handed straight to a node, as init is: stamped with a message id, counted and
   * watched as sent and delivered at once.
   *
   * @return the line to write, with its newline
   */
  byte[] clientMessage(String client, String dest, Map<String, Object> body) {
    long id = messageIds.incrementAndGet();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("src", client);
    m.put("dest", dest);
    m.put("body", body);
    byte[] line = (Json.toJson(m) + "\n").getBytes(StandardCharsets.UTF_8);
    clientSent.increment();
    clientReceived.increment();
    if (traffic.on()) {
      long now = System.nanoTime();
      traffic.sent(id, client, dest, (String) body.get("type"), line, line.length - 1, now);
      traffic.delivered(id, line, line.length - 1, now);
    }
    return line;
  }

  /** A message was written to a node's stdin. */
  void delivered(ClusterNode.Msg m, long at) {
    (m.fromNode() == FROM_CLIENT ? clientReceived : serverReceived).increment();
    if (traffic.watches(m.seq())) {
      traffic.delivered(m.seq(), m.bytes(), m.bytes().length - 1, at);
    }
  }

  /** A node's grudge against the sender dropped a message at delivery time. */
  void droppedByPartition(ClusterNode.Msg m, long at) {
    droppedByPartition.increment();
    if (traffic.watches(m.seq())) {
      traffic.dropped(m.seq(), "partition", m.bytes(), m.bytes().length - 1, at);
    }
  }

  /** A reply no client was waiting for: late, or to a request never sent. */
  void unmatchedReply() {
    unmatchedReplies.increment();
  }

  // ---- node output

  /** Checks and routes one line a node printed (without its newline). */
  void onLine(ClusterNode node, byte[] b, int off, int len) {
    if (node.outputDead()) {
      return;
    }
    long now = System.nanoTime();
    Envelope e;
    try {
      e = Envelope.parse(b, off, len);
    } catch (Json.ParseException x) {
      violation(
          node,
          "not-json",
          "printed a line to stdout that is not JSON (" + x.getMessage() + ")",
          true,
          line(b, off, len));
      return;
    } catch (Envelope.Malformed x) {
      violation(node, "bad-envelope", x.getMessage(), true, line(b, off, len));
      return;
    }
    int srcNode = nodeIndex(e.src());
    if (srcNode < 0 && index(e.src(), 'c', clientCount) < 0 && !services.containsKey(e.src())) {
      violation(
          node,
          "unknown-src",
          "sent a message from unknown src \"" + e.src() + "\"",
          true,
          line(b, off, len));
      return;
    }
    int destNode = nodeIndex(e.dest());
    if (destNode >= 0) {
      forward(node, e.src(), srcNode, nodes[destNode], b, e, now);
      return;
    }
    ServiceNode service = services.get(e.dest());
    if (service != null) {
      toService(node, service, b, e, now);
      return;
    }
    int client = index(e.dest(), 'c', clientCount);
    if (client < 0) {
      violation(
          node,
          "unknown-dest",
          "sent a message to unknown dest \"" + e.dest() + "\"",
          true,
          line(b, off, len));
      return;
    }
    clientSent.increment();
    clientReceived.increment();
    if (traffic.on()) {
      long id = messageIds.incrementAndGet();
      byte[] m = stamp(id, e.src(), e.dest(), b, e);
      traffic.sent(id, e.src(), e.dest(), e.body().type(), m, m.length - 1, now);
      traffic.delivered(id, m, m.length - 1, now);
    }
    clients[client].receive(node, now, e.body(), b, off, len);
  }

  /** The message with Maelstrom's top-level id, the body's bytes as the node printed them. */
  private static byte[] stamp(long id, String src, String dest, byte[] b, Envelope e) {
    // src and dest are known ids, so they need no escaping.
    byte[] head =
        ("{\"id\":" + id + ",\"src\":\"" + src + "\",\"dest\":\"" + dest + "\",\"body\":")
            .getBytes(StandardCharsets.US_ASCII);
    int bodyLen = e.bodyEnd() - e.bodyStart();
    byte[] msg = new byte[head.length + bodyLen + 2];
    System.arraycopy(head, 0, msg, 0, head.length);
    System.arraycopy(b, e.bodyStart(), msg, head.length, bodyLen);
    msg[msg.length - 2] = '}';
    msg[msg.length - 1] = '\n';
    return msg;
  }

  /**
   * Draws a message's loss and latency from its sender's stream.
   *
   * @return its latency in nanoseconds, or -1 if it is lost
   */
  private long draw(ClusterNode sender, double p) {
    SplittableRandom r = draws[sender.index];
    synchronized (r) { // a restarted node's new reader may overlap its old one's last lines
      double lossDraw = r.nextDouble(); // drawn even without loss, so the latencies stay in step
      long latency = dist.draw(r, latencyNanos);
      return lossDraw < p ? -1 : latency;
    }
  }

  /**
   * Passes a message on to a node with its body's bytes as the node printed them. One that claims
   * to come from a client is treated as a client's: no latency, loss or partition.
   */
  private void forward(
      ClusterNode sender,
      String src,
      int srcNode,
      ClusterNode dest,
      byte[] b,
      Envelope e,
      long now) {
    serverSent.increment();
    long id = messageIds.incrementAndGet();
    byte[] msg = stamp(id, src, dest.id, b, e);
    if (traffic.on()) {
      traffic.sent(id, src, dest.id, e.body().type(), msg, msg.length - 1, now);
    }
    long latency = 0;
    if (srcNode >= 0) {
      latency = draw(sender, loss);
      if (latency < 0) {
        droppedByLoss.increment();
        if (traffic.watches(id)) {
          traffic.dropped(id, "loss", msg, msg.length - 1, now);
        }
        return;
      }
    }
    dest.enqueue(new ClusterNode.Msg(now + latency, id, srcNode >= 0 ? srcNode : FROM_CLIENT, msg));
  }

  /** A request to a service: it takes the network's latency, and is never lost or partitioned. */
  private void toService(ClusterNode sender, ServiceNode service, byte[] b, Envelope e, long now) {
    Object body;
    try {
      body = Json.parse(b, e.bodyStart(), e.bodyEnd() - e.bodyStart());
    } catch (Json.ParseException x) {
      throw new IllegalStateException("a body that parsed once must parse again", x);
    }
    serverSent.increment();
    long id = messageIds.incrementAndGet();
    if (traffic.on()) {
      byte[] msg = stamp(id, e.src(), service.name, b, e);
      traffic.sent(id, e.src(), service.name, e.body().type(), msg, msg.length - 1, now);
    }
    long latency = draw(sender, 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) body;
    service.enqueue(new ServiceNode.Request(now + latency, id, e.src(), request));
  }

  /** A service took a request off its inbox. */
  void deliveredToService(ServiceNode service, ServiceNode.Request r) {
    serverReceived.increment();
    if (traffic.watches(r.id())) {
      byte[] msg = serviceMessage(r.id(), r.src(), service.name, r.body());
      traffic.delivered(r.id(), msg, msg.length - 1, System.nanoTime());
    }
  }

  private static byte[] serviceMessage(long id, String src, String dest, Map<String, Object> body) {
    return ("{\"id\":"
            + id
            + ",\"src\":"
            + Json.toJson(src)
            + ",\"dest\":"
            + Json.toJson(dest)
            + ",\"body\":"
            + Json.toJson(body)
            + "}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A service's reply to {@code dest}, which takes the network's latency on its way. */
  void sendFromService(ServiceNode service, String dest, Map<String, Object> body) {
    int destNode = nodeIndex(dest);
    long now = System.nanoTime();
    long id = messageIds.incrementAndGet();
    byte[] msg = serviceMessage(id, service.name, dest, body);
    if (destNode < 0) {
      serviceNote(
          service.name
              + " cannot reply to \""
              + dest
              + "\", which is not a node; the reply is dropped");
      return;
    }
    serverSent.increment();
    if (traffic.on()) {
      traffic.sent(id, service.name, dest, (String) body.get("type"), msg, msg.length - 1, now);
    }
    long latency;
    synchronized (service.random) {
      latency = dist.draw(service.random, latencyNanos);
    }
    nodes[destNode].enqueue(new ClusterNode.Msg(now + latency, id, FROM_SERVICE, msg));
  }

  /** A request the service has no case for: Maelstrom logs a warning and never replies. */
  void serviceIgnored(ServiceNode service, String src, String why, Map<String, Object> body) {
    serviceNote(
        service.name
            + " ignored a request from "
            + src
            + " ("
            + why
            + "): "
            + Violation.shorten(Json.toJson(body))
            + "\n  Maelstrom's service does the same: it logs a warning and sends no reply.");
  }

  private void serviceNote(String what) {
    long n = serviceNotices.incrementAndGet();
    if (n <= MAX_NOTICES) {
      console.println("\nidmint test: " + what);
    } else if (n == MAX_NOTICES + 1) {
      console.println("idmint test: more requests ignored by services; see results.json");
    }
  }

  /** A node's index from its name, or -1 if no node has that name. */
  int nodeIndex(String id) {
    long v = number(id, 'n') - firstNodeNumber;
    return v >= 0 && v < nodes.length ? (int) v : -1;
  }

  /**
   * The number in {@code <prefix><number>} if below {@code bound}, written without leading zeros;
   * else -1.
   */
  static int index(String id, char prefix, int bound) {
    long v = number(id, prefix);
    return v >= 0 && v < bound ? (int) v : -1;
  }

  /** The number in {@code <prefix><number>}, written without leading zeros; else -1. */
  private static long number(String id, char prefix) {
    int n = id.length();
    if (n < 2 || n > 10 || id.charAt(0) != prefix || (n > 2 && id.charAt(1) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 1; i < n; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  // ---- violations

  /**
   * Records a protocol violation; one that kills output makes the harness ignore the node's stdout.
   */
  void violation(ClusterNode node, String kind, String message, boolean killsOutput, String line) {
    Violation v =
        new Violation(
            System.nanoTime(), node.id, kind, message, killsOutput, Violation.shorten(line));
    long n = violationCount.incrementAndGet();
    if (killsOutput) {
      node.killOutput(v);
    }
    synchronized (violations) {
      if (violations.size() < MAX_KEPT_VIOLATIONS) {
        violations.add(v);
      }
    }
    if (n <= MAX_NOTICES) {
      console.println(
          "\nidmint test: "
              + node.id
              + " "
              + message
              + ":\n  "
              + v.line()
              + (killsOutput
                  ? "\n  Maelstrom stops reading a node's stdout after this; so does idmint test: "
                      + node.id
                      + "'s later replies are lost."
                  : ""));
    } else if (n == MAX_NOTICES + 1) {
      console.println("idmint test: more protocol violations; see results.json");
    }
  }

  void violation(
      ClusterNode node,
      String kind,
      String message,
      boolean killsOutput,
      byte[] b,
      int off,
      int len) {
    violation(node, kind, message, killsOutput, line(b, off, len));
  }

  private List<Violation> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  static String line(byte[] b, int off, int len) {
    return new String(b, off, Math.min(len, 4 * Violation.MAX_LINE), StandardCharsets.UTF_8);
  }
}
