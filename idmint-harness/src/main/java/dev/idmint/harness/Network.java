package dev.idmint.harness;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Maelstrom's network: checks every line a node prints, routes messages to clients at once and to
 * nodes through their inboxes with latency and loss, and holds the partition grudge that inboxes
 * apply at delivery time. Clients are never partitioned and see no latency or loss.
 *
 * <p>Loss and latency are drawn from one seeded stream per sending node, so a node that sends the
 * same messages in two runs with the same seed has the same ones dropped and delayed alike, however
 * the threads of the harness interleave.
 */
final class Network {
  /** A client: it gets the bodies of messages addressed to it. */
  interface Endpoint {
    void receive(ClusterNode from, long at, Envelope.Reply body, byte[] line, int off, int len);
  }

  static final Set<String> SERVICES = Set.of("lin-kv", "seq-kv", "lww-kv", "lin-tso");
  private static final int MAX_NOTICES = 10;
  private static final int MAX_KEPT_VIOLATIONS = 1000;

  /**
   * The network's counters and protocol violations at one moment.
   *
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
      long violationCount) {}

  private ClusterNode[] nodes = new ClusterNode[0];

  /** Per sending node: its loss and latency draws, in the order it sends. */
  private SplittableRandom[] draws = new SplittableRandom[0];

  private final long seed;
  private final long latencyNanos;
  private final LatencyDist dist;
  private final PrintWriter err;

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

  private final List<Violation> violations = new ArrayList<>();
  private final AtomicLong violationCount = new AtomicLong();

  Network(double latencyMs, LatencyDist dist, long seed, PrintWriter err) {
    this.latencyNanos = (long) (latencyMs * 1e6);
    this.dist = dist;
    this.seed = seed;
    this.err = err;
  }

  void setNodes(ClusterNode[] nodes) {
    SplittableRandom[] d = new SplittableRandom[nodes.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = new SplittableRandom(NemesisPlan.mix(seed, DRAW_SALT + i));
    }
    this.draws = d;
    this.nodes = nodes;
  }

  /** Salts the per-node draw streams apart from the request plan's and the nemesis's. */
  static final long DRAW_SALT = 1L << 32;

  Stats stats() {
    return new Stats(
        clientSent.sum(),
        clientReceived.sum(),
        serverSent.sum(),
        serverReceived.sum(),
        droppedByLoss.sum(),
        droppedByPartition.sum(),
        unmatchedReplies.sum(),
        violations(),
        violationCount.get());
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
    if (dest.writeDirect(b, n)) {
      clientReceived.increment();
    } else {
      dest.enqueue(new ClusterNode.Msg(System.nanoTime(), id, -1, java.util.Arrays.copyOf(b, n)));
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

  /** An envelope as the network stamps it, with its message id first (as Maelstrom's record). */
  byte[] envelope(String src, String dest, Map<String, Object> body) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", messageIds.incrementAndGet());
    m.put("src", src);
    m.put("dest", dest);
    m.put("body", body);
    return (Json.toJson(m) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  void delivered(boolean fromNode) {
    (fromNode ? serverReceived : clientReceived).increment();
  }

  void droppedByPartition() {
    droppedByPartition.increment();
  }

  /** A reply no client was waiting for: late, or to a request never sent. */
  void unmatchedReply() {
    unmatchedReplies.increment();
  }

  /** A client message handed straight to a node, as init is. */
  void sentFromClient() {
    clientSent.increment();
    clientReceived.increment();
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
    int srcNode = index(e.src(), 'n', nodes.length);
    if (srcNode < 0 && index(e.src(), 'c', clientCount()) < 0) {
      violation(
          node,
          "unknown-src",
          "sent a message from unknown src \"" + e.src() + "\"",
          true,
          line(b, off, len));
      return;
    }
    int destNode = index(e.dest(), 'n', nodes.length);
    if (destNode >= 0) {
      forward(node, e.src(), srcNode, nodes[destNode], b, e.bodyStart(), e.bodyEnd(), now);
      return;
    }
    int client = index(e.dest(), 'c', clientCount());
    if (client < 0) {
      String why =
          SERVICES.contains(e.dest())
              ? "sent a message to Maelstrom's "
                  + e.dest()
                  + " service, which idmint test does not provide"
              : "sent a message to unknown dest \"" + e.dest() + "\"";
      violation(node, "unknown-dest", why, true, line(b, off, len));
      return;
    }
    clientSent.increment();
    clientReceived.increment();
    clients[client].receive(node, now, e.body(), b, off, len);
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
      int bodyStart,
      int bodyEnd,
      long now) {
    serverSent.increment();
    long latency = 0;
    if (srcNode >= 0) {
      double lossDraw;
      SplittableRandom r = draws[sender.index];
      synchronized (r) { // a restarted node's new reader may overlap its old one's last lines
        lossDraw = r.nextDouble(); // drawn even without loss, so the latencies stay in step
        latency = dist.draw(r, latencyNanos);
      }
      if (lossDraw < loss) {
        droppedByLoss.increment();
        return;
      }
    }
    long id = messageIds.incrementAndGet();
    // src and dest are known ids, so they need no escaping.
    byte[] head =
        ("{\"id\":" + id + ",\"src\":\"" + src + "\",\"dest\":\"" + dest.id + "\",\"body\":")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] msg = new byte[head.length + (bodyEnd - bodyStart) + 2];
    System.arraycopy(head, 0, msg, 0, head.length);
    System.arraycopy(b, bodyStart, msg, head.length, bodyEnd - bodyStart);
    msg[msg.length - 2] = '}';
    msg[msg.length - 1] = '\n';
    dest.enqueue(new ClusterNode.Msg(now + latency, id, srcNode, msg));
  }

  private int clientCount() {
    return clientCount;
  }

  /**
   * The number in {@code <prefix><number>} if below {@code bound}, written without leading zeros;
   * else -1.
   */
  static int index(String id, char prefix, int bound) {
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
    return v < bound ? (int) v : -1;
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
      err.println("\nidmint test: " + node.id + " " + message + ":\n  " + v.line());
      if (killsOutput) {
        err.println(
            "  Maelstrom stops reading a node's stdout after this; so does idmint test: "
                + node.id
                + "'s later replies are lost.");
      }
    } else if (n == MAX_NOTICES + 1) {
      err.println("idmint test: more protocol violations; see results.json");
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
