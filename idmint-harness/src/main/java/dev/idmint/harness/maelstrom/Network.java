package dev.idmint.harness.maelstrom;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.LatencyDist;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.Grudges;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Transport;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Violations;
import dev.idmint.harness.run.Workload;
import dev.idmint.harness.text.Text;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Maelstrom's network, the transport for Maelstrom nodes: brings each node up with init over its
 * stdin, checks every line a node prints, routes messages to clients at once, to nodes through
 * their inboxes with latency and loss, and to Maelstrom's services with latency, and holds the
 * partition grudge that inboxes apply at delivery time. Clients are never partitioned and see no
 * latency or loss; services are never partitioned and see no loss.
 *
 * <p>Loss and latency are drawn from one seeded stream per sender (node or service), so a node that
 * sends the same messages in two runs with the same seed has the same ones dropped and delayed
 * alike, however the threads of the harness interleave.
 */
public final class Network implements Transport {
  /** A client: it gets the bodies of messages addressed to it. */
  interface Endpoint {
    void receive(NodePipe from, long at, Envelope.Reply body, byte[] line, int off, int len);
  }

  /** {@link NodePipe.Msg#fromNode} of a message from a client: no partition applies. */
  static final int FROM_CLIENT = -1;

  /** {@link NodePipe.Msg#fromNode} of a message from a service: no partition applies. */
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
      List<ServiceNode.Stats> services)
      implements Transport.Stats {

    /** Maelstrom's net checker: message counts for clients and servers, and what was dropped. */
    @Override
    public void addResults(Map<String, Object> results, int attempted) {
      Map<String, Object> net = new LinkedHashMap<>();
      net.put("valid", true);
      net.put(
          "all", netCounts(clientSent + serverSent, clientReceived + serverReceived, attempted));
      net.put("clients", netCounts(clientSent, clientReceived, attempted));
      net.put("servers", netCounts(serverSent, serverReceived, attempted));
      net.put("dropped_by_loss", droppedByLoss);
      net.put("dropped_by_partition", droppedByPartition);
      net.put("unmatched_replies", unmatchedReplies);
      List<Object> svc = new ArrayList<>();
      for (ServiceNode.Stats s : services) {
        svc.add(
            JsonMap.of(
                "service", s.name(),
                "requests", s.requests(),
                "ignored", s.unhandled(),
                "first_ignored", s.firstUnhandled()));
      }
      net.put("services", svc);
      results.put("net", net);
    }

    private static Map<String, Object> netCounts(long sent, long received, int ops) {
      return JsonMap.of(
          "send_count", sent,
          "recv_count", received,
          "msg_count", sent,
          "msgs_per_op", ops == 0 ? 0.0 : JsonMap.round((double) sent / ops, 4));
    }

    @Override
    public List<String> summary() {
      List<String> out = new ArrayList<>();
      out.add("network      " + networkLine());
      String used = servicesLine();
      if (used != null) {
        out.add("services     " + used);
      }
      return out;
    }

    private String networkLine() {
      boolean usedServices = services.stream().anyMatch(s -> s.requests() > 0);
      return clientSent
          + " client messages, "
          + serverSent
          + (usedServices ? " between nodes and services" : " between nodes")
          + (serverSent > 0
              ? " (" + droppedByLoss + " dropped by loss, " + droppedByPartition + " by partitions)"
              : "")
          + (unmatchedReplies > 0 ? "; " + unmatchedReplies + " late replies ignored" : "");
    }

    /** What the nodes asked of Maelstrom's services, or null if nothing. */
    private String servicesLine() {
      List<String> used = new ArrayList<>();
      for (ServiceNode.Stats s : services) {
        if (s.requests() > 0) {
          used.add(
              s.name()
                  + " "
                  + s.requests()
                  + " requests"
                  + (s.unhandled() > 0
                      ? " (" + s.unhandled() + " ignored: no case for them)"
                      : ""));
        }
      }
      return used.isEmpty() ? null : String.join(", ", used);
    }
  }

  private static final int MAX_NOTICES = 10;

  private NodePipe[] nodes = new NodePipe[0];
  private List<String> ids = List.of();
  private final int firstNodeNumber;
  private final Map<String, ServiceNode> services = new LinkedHashMap<>();

  /** Per sending node: its loss and latency draws, in the order it sends. */
  private SplittableRandom[] draws = new SplittableRandom[0];

  private final long seed;
  private final long latencyNanos;
  private final LatencyDist dist;
  private final Console console;
  private final Traffic traffic;

  /** The node program and its arguments. */
  private final List<String> command;

  /** This project's node's state directory, or null for another node. */
  private final Path ownState;

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

  private final Violations violations;

  /**
   * The network of a run.
   *
   * @param ownState this project's node's state directory, or null for another node
   */
  public Network(Config config, Path ownState, Traffic traffic, Console console) {
    this(
        config.latencyMs(),
        config.latencyDist(),
        config.seed(),
        config.firstNodeNumber(),
        config.command(),
        ownState,
        traffic,
        console);
  }

  /**
   * @param firstNodeNumber the number in the first node's name: 1 for n1..n5, 0 for n0..
   */
  Network(
      double latencyMs,
      LatencyDist dist,
      long seed,
      int firstNodeNumber,
      List<String> command,
      Path ownState,
      Traffic traffic,
      Console console) {
    this.latencyNanos = (long) (latencyMs * 1e6);
    this.dist = dist;
    this.seed = seed;
    this.firstNodeNumber = firstNodeNumber;
    this.command = command;
    this.ownState = ownState;
    this.traffic = traffic;
    this.console = console;
    this.violations = new Violations(console);
  }

  @Override
  public void attach(ClusterNode[] cluster) {
    SplittableRandom[] d = new SplittableRandom[cluster.length];
    NodePipe[] pipes = new NodePipe[cluster.length];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < d.length; i++) {
      d[i] = new SplittableRandom(Seeds.sender(seed, i));
      pipes[i] = new NodePipe(cluster[i], this);
      names.add(cluster[i].id);
    }
    this.draws = d;
    this.nodes = pipes;
    this.ids = List.copyOf(names);
    for (NodePipe p : pipes) {
      p.startWriter();
    }
  }

  /** The node's pipe, for tests. */
  NodePipe pipe(int i) {
    return nodes[i];
  }

  // ---- processes

  @Override
  public List<String> command(ClusterNode n) {
    return command;
  }

  @Override
  public void environment(ClusterNode n, Map<String, String> env) {
    if (ownState != null) {
      env.put("IDMINT_STATE_DIR", ownState.toString()); // the node names its files by node id
    }
  }

  @Override
  public boolean readsStdout() {
    return true;
  }

  @Override
  public void started(ClusterNode n, ClusterNode.Proc p) {
    NodePipe pipe = nodes[n.index];
    Thread reader = new Thread(() -> pipe.readLoop(p), "from-" + n.id + "-" + p.incarnation);
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends init from a fresh client; its first reply completes {@code p.up}. */
  @Override
  public long bringUp(ClusterNode n, ClusterNode.Proc p) {
    int client =
        addClient(
            (from, at, body, line, off, len) -> {
              if (!(body.inReplyTo() instanceof Long irt && irt == 1L && p.up.complete(body))) {
                unmatchedReply();
              }
            });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "init");
    body.put("msg_id", 1L);
    body.put("node_id", n.id);
    body.put("node_ids", new ArrayList<Object>(ids));
    byte[] init = clientMessage("c" + client, n.id, body);
    long sentAt = System.nanoTime();
    nodes[n.index].writeNow(
        p, init); // if the pipe broke, the process is gone: its exit ends the wait
    return sentAt;
  }

  @Override
  public String notUp(Object answer) {
    Envelope.Reply reply = (Envelope.Reply) answer;
    if ("init_ok".equals(reply.type())) {
      return null;
    }
    return "answered init with "
        + (reply.type() == null
            ? "a reply without a type"
            : "a reply of type \"" + reply.type() + "\"")
        + (reply.code() != null
            ? " (code "
                + Json.toJson(reply.code())
                + (reply.text() != null ? ": " + Json.toJson(reply.text()) : "")
                + ")"
            : "")
        + " instead of init_ok";
  }

  @Override
  public String upTimedOut(ClusterNode n) {
    return "did not answer init within 10 s (Maelstrom requires init_ok within 10 s)";
  }

  @Override
  public String exitedBeforeUp(int status) {
    return "exited with status " + status + " before answering init";
  }

  @Override
  public void wake(ClusterNode n) {
    nodes[n.index].wake();
  }

  // ---- clients

  @Override
  public String addWorker(Workload workload, Workload.Worker w) {
    return "c" + addClient(new Client(workload, w));
  }

  @Override
  public void send(Workload.Worker w, Op op) {
    sendFromClient(w.client, nodes[w.node], op.msgId);
  }

  @Override
  public void timedOut(Workload.Worker w, Op op) {
    nodes[op.node].stopDirectWrites();
  }

  @Override
  public int afterInfo(int instance) {
    return instance;
  }

  @Override
  public void warmUp() {
    Warmup.run(30_000);
  }

  /** A worker's client connection: completes its requests from the node's replies. */
  private final class Client implements Endpoint {
    private final Workload workload;
    private final Workload.Worker worker;

    Client(Workload workload, Workload.Worker worker) {
      this.workload = workload;
      this.worker = worker;
    }

    @Override
    public void receive(
        NodePipe from, long at, Envelope.Reply body, byte[] line, int off, int len) {
      Object irt = body.inReplyTo();
      if (!Json.isInteger(irt)) {
        violation(
            from,
            "malformed-reply",
            "sent " + worker.client + " a message without an integer in_reply_to",
            false,
            line,
            off,
            len);
        return;
      }
      Op op = worker.current;
      if (op == null || !(irt instanceof Long r && r == op.msgId)) {
        unmatchedReply(); // a late reply: Maelstrom's client skips these too
        return;
      }
      String type = body.type();
      String problem;
      if ("generate_ok".equals(type)) {
        problem = generateOkProblem(body);
        if (problem == null) {
          workload.complete(op, Op.OK, at, body.id(), null, -1, null);
          return;
        }
      } else if ("error".equals(type)) {
        if (body.code() instanceof Long c && c == (int) (long) c) {
          int code = (int) (long) c;
          Object text = body.text();
          workload.complete(
              op,
              ErrorCode.isDefinite(code) ? Op.FAIL : Op.INFO,
              at,
              null,
              ErrorCode.name(code),
              code,
              text instanceof String s ? s : text == null ? null : Json.toJson(text));
          return;
        }
        problem = "error reply without an integer code";
      } else {
        problem =
            type == null
                ? "reply without a string type"
                : "reply of type \"" + type + "\" to a generate request";
      }
      violation(
          from, "malformed-reply", "sent a malformed reply: " + problem, false, line, off, len);
      workload.complete(op, Op.INFO, at, null, "malformed-rpc-response", -1, problem);
    }
  }

  /** What breaks Maelstrom's generate_ok schema, or null. */
  static String generateOkProblem(Envelope.Reply body) {
    if (body.extraKey() != null) {
      return "generate_ok has an extra key \""
          + body.extraKey()
          + "\" (the schema allows only type, in_reply_to, msg_id and id)";
    }
    if (body.id() == null) {
      return "generate_ok has no id";
    }
    if (body.msgId() != null && !Json.isInteger(body.msgId())) {
      return "generate_ok's msg_id is not an integer";
    }
    return null;
  }

  // ---- the run

  /** Starts Maelstrom's services, each on a thread of its own. */
  @Override
  public void start() {
    for (int i = 0; i < MaelstromServices.NAMES.size(); i++) {
      String name = MaelstromServices.NAMES.get(i);
      ServiceNode s = new ServiceNode(name, Seeds.service(seed, i), this);
      services.put(name, s);
      s.start();
    }
  }

  @Override
  public Stats stats() {
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
        violations.list(),
        violations.count(),
        List.copyOf(svc));
  }

  // ---- faults

  /** Installs a partition: {@code m[dest][src]} drops; null heals. */
  void partition(boolean[][] m) {
    drops = m;
  }

  /** Grudges between nodes, applied at delivery time. */
  @Override
  public Nemesis.Effect partition(NemesisPlan.Event e) {
    if (!e.start()) {
      partition((boolean[][]) null);
      return new Nemesis.Effect("network-healed", "healed", null);
    }
    partition(Grudges.matrix(e.grudge(), ids.size()));
    return new Nemesis.Effect(
        JsonMap.of("shape", e.spec(), "grudge", Grudges.named(e.grudge(), ids)),
        e.spec() + " " + components(e),
        e.spec());
  }

  /** Components of a partition as {@code [n0 n1] [n2 n3 n4]}, or per-node views for a ring. */
  private String components(NemesisPlan.Event e) {
    if ("majorities-ring".equals(e.spec())) {
      return "(every node sees a different majority)";
    }
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    e.grudge()
        .forEach(
            (node, drops) ->
                groups.computeIfAbsent(drops.toString(), k -> new ArrayList<>()).add(node));
    java.util.StringJoiner s = new java.util.StringJoiner(" | ");
    groups.values().forEach(g -> s.add(Text.join(g.stream().map(ids::get).toList())));
    return s.toString();
  }

  @Override
  public Nemesis.Effect loss(boolean on) {
    double p = on ? NemesisPlan.LOSS : 0;
    setLoss(p);
    return new Nemesis.Effect(
        JsonMap.of("loss", p),
        on ? "dropping " + Math.round(p * 100) + "% of node-to-node messages" : "stopped",
        Math.round(NemesisPlan.LOSS * 100) + "%");
  }

  boolean drops(int dest, int src) {
    boolean[][] d = drops;
    return d != null && d[dest][src];
  }

  void setLoss(double p) {
    loss = p;
  }

  @Override
  public void stop() {
    stopping = true;
    services.values().forEach(ServiceNode::close);
    for (NodePipe p : nodes) {
      p.close();
    }
  }

  @Override
  public boolean stopping() {
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
  void sendFromClient(String client, NodePipe dest, long msgId) {
    long id = messageIds.incrementAndGet();
    byte[] b = request;
    int n = ascii(b, 0, "{\"id\":");
    n = decimal(b, n, id);
    n = ascii(b, n, ",\"src\":\"");
    n = ascii(b, n, client);
    n = ascii(b, n, "\",\"dest\":\"");
    n = ascii(b, n, dest.node.id);
    n = ascii(b, n, "\",\"body\":{\"type\":\"generate\",\"msg_id\":");
    n = decimal(b, n, msgId);
    n = ascii(b, n, "}}\n");
    clientSent.increment();
    long now = System.nanoTime();
    byte[] copy = null;
    if (traffic.on()) {
      copy = java.util.Arrays.copyOf(b, n);
      traffic.sent(id, client, dest.node.id, "generate", copy, n - 1, now);
    }
    if (dest.writeDirect(b, n)) {
      clientReceived.increment();
      if (copy != null) {
        traffic.delivered(id, copy, n - 1, now);
      }
    } else {
      dest.enqueue(
          new NodePipe.Msg(
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
    byte[] line = envelope(id, client, dest, body);
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
  void delivered(NodePipe.Msg m, long at) {
    (m.fromNode() == FROM_CLIENT ? clientReceived : serverReceived).increment();
    if (traffic.watches(m.seq())) {
      traffic.delivered(m.seq(), m.bytes(), m.bytes().length - 1, at);
    }
  }

  /** A node's grudge against the sender dropped a message at delivery time. */
  void droppedByPartition(NodePipe.Msg m, long at) {
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
  void onLine(NodePipe node, byte[] b, int off, int len) {
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
    serverSent.increment();
    long id = messageIds.incrementAndGet();
    byte[] msg = stamp(id, src, dest.node.id, b, e);
    if (traffic.on()) {
      traffic.sent(id, src, dest.node.id, e.body().type(), msg, msg.length - 1, now);
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
      byte[] msg = envelope(r.id(), r.src(), service.name, r.body());
      traffic.delivered(r.id(), msg, msg.length - 1, System.nanoTime());
    }
  }

  /** A message as the network stamps it, with its message id first, as Maelstrom records it. */
  private static byte[] envelope(long id, String src, String dest, Map<String, Object> body) {
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
    byte[] msg = envelope(id, service.name, dest, body);
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
  void violation(NodePipe node, String kind, String message, boolean killsOutput, String line) {
    Violation v =
        new Violation(
            System.nanoTime(), node.node.id, kind, message, killsOutput, Violation.shorten(line));
    if (killsOutput) {
      node.killOutput(v);
    }
    violations.add(
        v,
        "\nidmint test: "
            + node.node.id
            + " "
            + message
            + ":\n  "
            + v.line()
            + (killsOutput
                ? "\n  Maelstrom stops reading a node's stdout after this; so does idmint test: "
                    + node.node.id
                    + "'s later replies are lost."
                : ""));
  }

  void violation(
      NodePipe node, String kind, String message, boolean killsOutput, byte[] b, int off, int len) {
    violation(node, kind, message, killsOutput, line(b, off, len));
  }

  static String line(byte[] b, int off, int len) {
    return new String(b, off, Math.min(len, 4 * Violation.MAX_LINE), StandardCharsets.UTF_8);
  }
}
