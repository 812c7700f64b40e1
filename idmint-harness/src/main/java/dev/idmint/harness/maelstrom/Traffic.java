package dev.idmint.harness.maelstrom;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.json.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the network's messages for two things: the first {@value #FLOW_LIMIT} messages of the
 * load, for the message-flow diagram, and, with {@code --log-net-send} or {@code --log-net-recv},
 * every message's send, delivery and drop, streamed to net.jsonl. Once the diagram has its messages
 * and without those flags, watching costs the network one volatile read per message.
 */
public final class Traffic {
  public static final int FLOW_LIMIT = 1000;

  /**
   * One message of the diagram.
   *
   * @param fate {@code recv}, {@code loss} (dropped when sent), {@code partition} (dropped at
   *     delivery), or null if it was never delivered (its node was down, or the run ended)
   * @param doneAt when it was delivered or dropped (nanoTime), or -1
   */
  public record Flow(
      long id,
      String src,
      String dest,
      String type,
      String label,
      long sentAt,
      long doneAt,
      String fate) {}

  private static final class Pending {
    final long id;
    final String src;
    final String dest;
    final String type;
    final String label;
    final long sentAt;
    volatile long doneAt = -1;
    volatile String fate;

    Pending(long id, String src, String dest, String type, String label, long sentAt) {
      this.id = id;
      this.src = src;
      this.dest = dest;
      this.type = type;
      this.label = label;
      this.sentAt = sentAt;
    }
  }

  /** A journal line waiting for the writer: its time is written relative to the load's start. */
  private record Event(long at, String type, String cause, byte[] message, int len) {}

  private static final Event END = new Event(0, null, null, null, 0);

  private final boolean logSend;
  private final boolean logRecv;
  private final Path journalFile;

  /** Whether the network should report messages here at all. */
  private volatile boolean on;

  private volatile boolean flowOpen;
  private final AtomicInteger flowCount = new AtomicInteger();
  private final Map<Long, Pending> flows = new ConcurrentHashMap<>();
  private volatile long maxFlowId = -1;

  private final LinkedBlockingQueue<Event> journal = new LinkedBlockingQueue<>();
  private volatile long t0 = Long.MIN_VALUE;
  private Thread writer;
  private volatile IOException writeError;

  /**
   * @param journalFile net.jsonl, written only if a logging flag is set
   */
  public Traffic(Config.Logging logging, Path journalFile) {
    this.logSend = logging.netSend();
    this.logRecv = logging.netRecv();
    this.journalFile = journalFile;
    this.on = logging.net();
    if (logging.net()) {
      writer = new Thread(this::writeLoop, "net-journal");
      writer.setDaemon(true);
      writer.start();
    }
  }

  /** A watcher that records nothing, for tests. */
  static Traffic none() {
    return new Traffic(Config.Logging.NONE, null);
  }

  boolean on() {
    return on;
  }

  /**
   * Whether a delivery or drop of message {@code id} is of interest: journaled, or one of the
   * diagram's, which may arrive long after the diagram stopped taking new messages.
   */
  boolean watches(long id) {
    return logSend || logRecv || id <= maxFlowId;
  }

  /** The load begins at {@code t0}: the diagram starts recording; journal times count from here. */
  public void loadStarted(long t0) {
    this.t0 = t0;
    flowOpen = true;
    on = true;
  }

  /**
   * A message entered the network.
   *
   * @param message the message as delivered, {@code {"id":..,"src":..,"dest":..,"body":..}}
   * @param type the body's type, or null
   */
  void sent(long id, String src, String dest, String type, byte[] message, int len, long at) {
    if (flowOpen && type != null && !type.equals("init") && !type.equals("init_ok")) {
      if (flowCount.incrementAndGet() <= FLOW_LIMIT) {
        flows.put(id, new Pending(id, src, dest, type, label(type, message, len), at));
        synchronized (this) {
          maxFlowId = Math.max(maxFlowId, id);
        }
      } else {
        flowOpen = false;
        on = logSend || logRecv;
      }
    }
    if (logSend) {
      journal.add(new Event(at, "send", null, message, len));
    }
  }

  /** Message {@code id} was delivered; {@code message} as for {@link #sent}. */
  void delivered(long id, byte[] message, int len, long at) {
    done(id, at, "recv");
    if (logRecv) {
      journal.add(new Event(at, "recv", null, message, len));
    }
  }

  /** Message {@code id} was dropped: {@code loss} when sent, {@code partition} at delivery. */
  void dropped(long id, String cause, byte[] message, int len, long at) {
    done(id, at, cause);
    if (logSend || logRecv) {
      journal.add(new Event(at, "drop", cause, message, len));
    }
  }

  private void done(long id, long at, String fate) {
    if (id <= maxFlowId) {
      Pending p = flows.get(id);
      if (p != null) {
        p.doneAt = at;
        p.fate = fate;
      }
    }
  }

  /** The diagram's messages in the order they were sent. */
  public List<Flow> flows() {
    List<Flow> out = new ArrayList<>(flows.size());
    for (Pending p : flows.values()) {
      out.add(new Flow(p.id, p.src, p.dest, p.type, p.label, p.sentAt, p.doneAt, p.fate));
    }
    out.sort(Comparator.comparingLong(Flow::sentAt).thenComparingLong(Flow::id));
    return out;
  }

  /**
   * The message-flow diagram's lanes: clients in number order, then every node (each gets a lane
   * even if it sent nothing), then the services that were used.
   */
  public static List<String> lanes(List<Flow> flows, List<String> nodeIds) {
    TreeMap<Integer, String> clients = new TreeMap<>();
    List<String> services = new ArrayList<>();
    for (Flow f : flows) {
      for (String who : new String[] {f.src(), f.dest()}) {
        int c = NodeNames.index(who, 'c', Integer.MAX_VALUE);
        if (c >= 0) {
          clients.put(c, who);
        } else if (MaelstromServices.NAMES.contains(who) && !services.contains(who)) {
          services.add(who);
        }
      }
    }
    services.sort(Comparator.comparingInt(MaelstromServices.NAMES::indexOf));
    List<String> lanes = new ArrayList<>(clients.values());
    lanes.addAll(nodeIds);
    lanes.addAll(services);
    return lanes;
  }

  /** Writes what is left of the journal and closes it. */
  public void close() throws IOException {
    if (writer != null) {
      if (t0 == Long.MIN_VALUE) {
        t0 = System.nanoTime(); // no load ran: times count from the end
      }
      journal.add(END);
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      writer = null;
    }
    if (writeError != null) {
      throw writeError;
    }
  }

  private void writeLoop() {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(journalFile), 1 << 16)) {
      while (t0 == Long.MIN_VALUE) { // init messages wait until the load's start is known
        Thread.sleep(5);
      }
      byte[] head = "{\"time\":".getBytes(StandardCharsets.US_ASCII);
      for (Event e; (e = journal.take()) != END; ) {
        out.write(head);
        out.write(Long.toString(e.at() - t0).getBytes(StandardCharsets.US_ASCII));
        out.write(
            (",\"type\":\""
                    + e.type()
                    + (e.cause() == null ? "" : "\",\"cause\":\"" + e.cause())
                    + "\",\"message\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(e.message(), 0, e.len());
        out.write('}');
        out.write('\n');
        if (journal.isEmpty()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      writeError = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * An arrow's label as Maelstrom draws it: the type, then the body without type, msg_id and
   * in_reply_to, cut to 40 characters.
   */
  static String label(String type, byte[] message, int len) {
    String text = type;
    try {
      if (Json.parse(message, 0, len) instanceof Map<?, ?> m
          && m.get("body") instanceof Map<?, ?> b) {
        Map<Object, Object> rest = new java.util.LinkedHashMap<>(b);
        rest.remove("type");
        rest.remove("msg_id");
        rest.remove("in_reply_to");
        if (!rest.isEmpty()) {
          text =
              type
                  + " "
                  + (type.equals("error") ? String.valueOf(b.get("text")) : Json.toJson(rest));
        }
      }
    } catch (Json.ParseException e) {
      // the label is a convenience; the type alone will do
    }
    return text.length() <= 40 ? text : text.substring(0, 39) + "…";
  }
}
