package dev.idmint.harness.maelstrom;

import dev.idmint.harness.config.LatencyDist;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

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
    void receive(NodePipe from, long at, Envelope.Reply body, byte[] line, int off, int len);
  }

  /** {@link NodePipe.Msg#fromNode} of a message from a client: no partition applies. */
  static final int FROM_CLIENT = -1;

  /** {@link NodePipe.Msg#fromNode} of a message from a service: no partition applies. */
  static final int FROM_SERVICE = -2;

  private static final int MAX_NOTICES = 10;

  private NodePipe[] nodes = new NodePipe[0];

  /** Per sending node: its loss and latency draws, in the order it sends. */
  private SplittableRandom[] draws = new SplittableRandom[0];

  private final Map<String, ServiceNode> services = new LinkedHashMap<>();
  private final long seed;
  private final int firstNodeNumber;
  private final long latencyNanos;
  private final LatencyDist dist;
  private final Console console;
  private final Traffic traffic;
  private final NodeViolations violations;

  private volatile boolean[][] drops;
  private volatile double loss;
  private volatile boolean stopping;
  private final AtomicLong messageIds = new AtomicLong();
  private volatile Endpoint[] clients = new Endpoint[16];
  private volatile int clientCount;

  private final NetCounters counts = new NetCounters();
  private final AtomicLong serviceNotices = new AtomicLong();

  /** Where the scheduler builds requests; its thread's alone. */
  private final Wire.Requests requests = new Wire.Requests();

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
    this.violations = new NodeViolations(console);
  }

  /** Takes on the cluster's nodes: an inbox and a writer thread each. */
  void attach(ClusterNode[] cluster) {
    SplittableRandom[] d = new SplittableRandom[cluster.length];
    NodePipe[] pipes = new NodePipe[cluster.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = new SplittableRandom(Seeds.sender(seed, i));
      pipes[i] = new NodePipe(cluster[i], this);
    }
    this.draws = d;
    this.nodes = pipes;
    for (NodePipe p : pipes) {
      p.startWriter();
    }
  }

  NodePipe pipe(int i) {
    return nodes[i];
  }

  NodeViolations violations() {
    return violations;
  }

  /** Starts Maelstrom's services, each on a thread of its own. */
  void startServices() {
    for (int i = 0; i < MaelstromServices.NAMES.size(); i++) {
      String name = MaelstromServices.NAMES.get(i);
      ServiceNode s = new ServiceNode(name, Seeds.service(seed, i), this);
      services.put(name, s);
      s.start();
    }
  }

  void stop() {
    stopping = true;
    services.values().forEach(ServiceNode::close);
    for (NodePipe p : nodes) {
      p.close();
    }
  }

  boolean stopping() {
    return stopping;
  }

  NetStats stats() {
    List<ServiceNode.Stats> svc = new ArrayList<>();
    services.values().forEach(s -> svc.add(s.stats()));
    return counts.snapshot(violations, svc);
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

  // ---- clients

  /** Registers a client and returns its number: its id is {@code c<number>}. */
  synchronized int addClient(Endpoint e) {
    Endpoint[] cs = clients;
    if (clientCount == cs.length) {
      cs = Arrays.copyOf(cs, cs.length * 2);
    }
    int n = clientCount;
    cs[n] = e;
    clients = cs;
    clientCount = n + 1; // published after the slot, so readers that see the count see the client
    return n;
  }

  /**
   * A generate request from a client to a node: no latency, no loss, no partition. Called by the
   * scheduler thread only; an idle node gets it at once without a copy.
   */
  void sendFromClient(String client, NodePipe dest, long msgId) {
    long id = messageIds.incrementAndGet();
    int n = requests.generate(id, client, dest.node.id, msgId);
    byte[] b = requests.bytes();
    counts.clientSent.increment();
    long now = System.nanoTime();
    byte[] copy = null;
    if (traffic.on()) {
      copy = Arrays.copyOf(b, n);
      traffic.sent(id, client, dest.node.id, "generate", copy, n - 1, now);
    }
    if (dest.writeDirect(b, n)) {
      counts.clientReceived.increment();
      if (copy != null) {
        traffic.delivered(id, copy, n - 1, now);
      }
    } else {
      dest.enqueue(
          new NodePipe.Msg(now, id, FROM_CLIENT, copy != null ? copy : Arrays.copyOf(b, n)));
    }
  }

  /**
   * A client message handed straight to a node, as init is: stamped with a message id, counted and
   * watched as sent and delivered at once.
   *
   * @return the line to write, with its newline
   */
  byte[] clientMessage(String client, String dest, Map<String, Object> body) {
    long id = messageIds.incrementAndGet();
    byte[] line = Wire.envelope(id, client, dest, body);
    counts.clientSent.increment();
    counts.clientReceived.increment();
    if (traffic.on()) {
      long now = System.nanoTime();
      traffic.sent(id, client, dest, (String) body.get("type"), line, line.length - 1, now);
      traffic.delivered(id, line, line.length - 1, now);
    }
    return line;
  }

  /** A message was written to a node's stdin. */
  void delivered(NodePipe.Msg m, long at) {
    (m.fromNode() == FROM_CLIENT ? counts.clientReceived : counts.serverReceived).increment();
    if (traffic.watches(m.seq())) {
      traffic.delivered(m.seq(), m.bytes(), m.bytes().length - 1, at);
    }
  }

  /** A node's grudge against the sender dropped a message at delivery time. */
  void droppedByPartition(NodePipe.Msg m, long at) {
    counts.droppedByPartition.increment();
    if (traffic.watches(m.seq())) {
      traffic.dropped(m.seq(), "partition", m.bytes(), m.bytes().length - 1, at);
    }
  }

  /** A reply no client was waiting for: late, or to a request never sent. */
  void unmatchedReply() {
    counts.unmatchedReplies.increment();
  }

  // ---- node output

  /** Checks and routes one line a node printed (without its newline). */
  void onLine(NodePipe node, byte[] b, int off, int len) {
    if (node.outputDead()) {
      return;
    }
    long now = System.nanoTime();
    Envelope e;
    try {
      e = Envelope.parse(b, off, len);
    } catch (Json.ParseException x) {
      String why = "printed a line to stdout that is not JSON (" + x.getMessage() + ")";
      violations.report(node, "not-json", why, true, b, off, len);
      return;
    } catch (Envelope.Malformed x) {
      violations.report(node, "bad-envelope", x.getMessage(), true, b, off, len);
      return;
    }
    int srcNode = nodeIndex(e.src());
    if (srcNode < 0 && clientIndex(e.src()) < 0 && !services.containsKey(e.src())) {
      String why = "sent a message from unknown src \"" + e.src() + "\"";
      violations.report(node, "unknown-src", why, true, b, off, len);
      return;
    }
    int destNode = nodeIndex(e.dest());
    ServiceNode service = services.get(e.dest());
    int client = clientIndex(e.dest());
    if (destNode >= 0) {
      forward(node, e.src(), srcNode, nodes[destNode], b, e, now);
    } else if (service != null) {
      toService(node, service, b, e, now);
    } else if (client >= 0) {
      toClient(node, clients[client], b, off, len, e, now);
    } else {
      String why = "sent a message to unknown dest \"" + e.dest() + "\"";
      violations.report(node, "unknown-dest", why, true, b, off, len);
    }
  }

  /** A reply to a client: no latency, loss or partition. */
  private void toClient(
      NodePipe node, Endpoint client, byte[] b, int off, int len, Envelope e, long now) {
    counts.clientSent.increment();
    counts.clientReceived.increment();
    if (traffic.on()) {
      long id = messageIds.incrementAndGet();
      byte[] m = Wire.stamp(id, e.src(), e.dest(), b, e);
      traffic.sent(id, e.src(), e.dest(), e.body().type(), m, m.length - 1, now);
      traffic.delivered(id, m, m.length - 1, now);
    }
    client.receive(node, now, e.body(), b, off, len);
  }

  /**
   * Draws a message's loss and latency from its sender's stream.
   *
   * @return its latency in nanoseconds, or -1 if it is lost
   */
  private long draw(NodePipe sender, double p) {
    SplittableRandom r = draws[sender.node.index];
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
      NodePipe sender, String src, int srcNode, NodePipe dest, byte[] b, Envelope e, long now) {
    counts.serverSent.increment();
    long id = messageIds.incrementAndGet();
    byte[] msg = Wire.stamp(id, src, dest.node.id, b, e);
    if (traffic.on()) {
      traffic.sent(id, src, dest.node.id, e.body().type(), msg, msg.length - 1, now);
    }
    long latency = 0;
    if (srcNode >= 0) {
      latency = draw(sender, loss);
      if (latency < 0) {
        counts.droppedByLoss.increment();
        if (traffic.watches(id)) {
          traffic.dropped(id, "loss", msg, msg.length - 1, now);
        }
        return;
      }
    }
    dest.enqueue(new NodePipe.Msg(now + latency, id, srcNode >= 0 ? srcNode : FROM_CLIENT, msg));
  }

  /** A request to a service: it takes the network's latency, and is never lost or partitioned. */
  private void toService(NodePipe sender, ServiceNode service, byte[] b, Envelope e, long now) {
    Object body;
    try {
      body = Json.parse(b, e.bodyStart(), e.bodyEnd() - e.bodyStart());
    } catch (Json.ParseException x) {
      throw new IllegalStateException("a body that parsed once must parse again", x);
    }
    counts.serverSent.increment();
    long id = messageIds.incrementAndGet();
    if (traffic.on()) {
      byte[] msg = Wire.stamp(id, e.src(), service.name, b, e);
      traffic.sent(id, e.src(), service.name, e.body().type(), msg, msg.length - 1, now);
    }
    long latency = draw(sender, 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) body;
    service.enqueue(new ServiceNode.Request(now + latency, id, e.src(), request));
  }

  /** A service took a request off its inbox. */
  void deliveredToService(ServiceNode service, ServiceNode.Request r) {
    counts.serverReceived.increment();
    if (traffic.watches(r.id())) {
      byte[] msg = Wire.envelope(r.id(), r.src(), service.name, r.body());
      traffic.delivered(r.id(), msg, msg.length - 1, System.nanoTime());
    }
  }

  /** A service's reply to {@code dest}, which takes the network's latency on its way. */
  void sendFromService(ServiceNode service, String dest, Map<String, Object> body) {
    int destNode = nodeIndex(dest);
    long now = System.nanoTime();
    long id = messageIds.incrementAndGet();
    byte[] msg = Wire.envelope(id, service.name, dest, body);
    if (destNode < 0) {
      serviceNote(
          service.name
              + " cannot reply to \""
              + dest
              + "\", which is not a node; the reply is dropped");
      return;
    }
    counts.serverSent.increment();
    if (traffic.on()) {
      traffic.sent(id, service.name, dest, (String) body.get("type"), msg, msg.length - 1, now);
    }
    long latency;
    synchronized (service.random) {
      latency = dist.draw(service.random, latencyNanos);
    }
    nodes[destNode].enqueue(new NodePipe.Msg(now + latency, id, FROM_SERVICE, msg));
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
    return NodeNames.node(id, firstNodeNumber, nodes.length);
  }

  private int clientIndex(String id) {
    return NodeNames.index(id, 'c', clientCount);
  }
}
