package dev.idmint.node;

import dev.idmint.id.Id;
import dev.idmint.id.IdEvent;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.protocol.Codec;
import dev.idmint.protocol.ErrorCode;
import dev.idmint.protocol.MalformedLineException;
import dev.idmint.protocol.Output;
import dev.idmint.protocol.Reply;
import dev.idmint.protocol.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The unique-ids node: a single-threaded loop that reads lines, decodes, dispatches, encodes and
 * writes. Replies accumulate while more input is already buffered and are flushed just before a
 * read could block, so a burst leaves in one write and no reply waits on input.
 */
public final class Node {
  /** How much of a bad line the log shows. */
  private static final int PREVIEW_CHARS = 160;

  private final NodeConfig config;
  private final InputStream in;
  private final OutputStream out;
  private final PrintStream err;
  private final Codec codec = new Codec();
  private final Output pending = new Output();

  private String nodeId;
  private IdGenerator generator;
  private long nextMsgId;
  private long badLines;

  public Node(NodeConfig config, InputStream in, OutputStream out, PrintStream err) {
    this.config = config;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  /** Serves until end of input; returns the process exit code. */
  public int run() {
    log(
        "idmint node: scheme "
            + config.scheme()
            + ", state "
            + (config.stateDir() == null ? "none" : config.stateDir()));
    if (config.stateDir() != null) {
      try {
        IdFactory.checkStateDir(config.stateDir());
      } catch (IdStateException e) {
        log("idmint node: durable state unusable, init will fail: " + e.getMessage());
      }
    }
    try {
      loop();
      pending.drainTo(out);
      return 0;
    } catch (IOException e) {
      log("idmint node: stopping, cannot read or write: " + e);
      return 1;
    }
  }

  private void loop() throws IOException {
    byte[] buf = new byte[1 << 16];
    int start = 0; // first unconsumed byte
    int end = 0; // end of data read
    int scanned = 0; // no newline in [start, scanned)
    boolean skipping = false; // inside a line too long to keep
    long skipped = 0;
    while (true) {
      int nl = indexOf(buf, scanned, end);
      if (nl >= 0) {
        if (skipping) {
          tooLong(skipped + nl - start);
          skipping = false;
        } else {
          handle(buf, start, nl - start);
        }
        start = scanned = nl + 1;
        continue;
      }
      scanned = end;
      if (skipping) {
        skipped += end - start;
        start = scanned = end = 0;
      } else if (end - start >= Codec.MAX_LINE_BYTES) {
        skipping = true;
        skipped = end - start;
        start = scanned = end = 0;
      } else if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        scanned -= start;
        start = 0;
      }
      if (end == buf.length) {
        buf = Arrays.copyOf(buf, Math.min(buf.length * 2, Codec.MAX_LINE_BYTES + 1));
      }
      if (pending.size() > 0 && (pending.size() >= (1 << 16) || available() == 0)) {
        pending.drainTo(out);
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        break;
      }
      end += n;
    }
    if (skipping) {
      tooLong(skipped + end - start);
    } else if (end > start) {
      handle(buf, start, end - start); // a last line without its newline still counts
    }
  }

  private int available() {
    try {
      return in.available();
    } catch (IOException e) {
      return 0;
    }
  }

  private void handle(byte[] buf, int off, int len) {
    Request request;
    try {
      request = codec.decode(buf, off, len);
    } catch (MalformedLineException e) {
      badLine(e.getMessage(), buf, off, len);
      return;
    }
    codec.encode(reply(request), pending);
  }

  private Reply reply(Request request) {
    if (request instanceof Request.Generate) {
      if (generator == null) {
        return error(
            request, ErrorCode.TEMPORARILY_UNAVAILABLE, "not initialised: send init first");
      }
      try {
        Id id = generator.next();
        return new Reply.GenerateOk(nodeId, request.src(), request.msgId(), nextMsgId++, id);
      } catch (IdStateException e) {
        log("idmint node: generate refused: " + e.getMessage());
        return error(request, ErrorCode.TEMPORARILY_UNAVAILABLE, e.getMessage());
      }
    }
    if (request instanceof Request.Init init) {
      return init(init);
    }
    if (request instanceof Request.Unsupported u) {
      return error(
          request, ErrorCode.NOT_SUPPORTED, "unsupported message type \"" + u.type() + "\"");
    }
    return error(request, ErrorCode.MALFORMED_REQUEST, ((Request.Malformed) request).problem());
  }

  private Reply init(Request.Init init) {
    if (nodeId != null) {
      if (nodeId.equals(init.nodeId())) {
        return new Reply.InitOk(nodeId, init.src(), init.msgId(), nextMsgId++);
      }
      return error(
          init,
          ErrorCode.ABORT,
          "already initialised as " + nodeId + "; cannot become " + init.nodeId());
    }
    IdFactory.Builder builder =
        IdFactory.builder()
            .scheme(config.scheme())
            .node(init.nodeId(), init.nodeIds())
            .stateDir(config.stateDir())
            .maxLead(config.maxLead())
            .clock(new WallClock())
            .events(new EventLog(err));
    if (config.workerId() != null) {
      builder.workerId(config.workerId());
    }
    try {
      generator = builder.build();
    } catch (IllegalArgumentException e) {
      log("idmint node: init refused: " + e.getMessage());
      return error(init, ErrorCode.NOT_SUPPORTED, e.getMessage());
    } catch (IdStateException e) {
      log("idmint node: init refused, no IDs will be issued: " + e.getMessage());
      return error(init, ErrorCode.ABORT, e.getMessage());
    }
    nodeId = init.nodeId();
    log("idmint node: initialised as " + nodeId + " of " + init.nodeIds().size() + " nodes");
    return new Reply.InitOk(nodeId, init.src(), init.msgId(), nextMsgId++);
  }

  /** Before init the node answers as whatever the request was addressed to. */
  private Reply error(Request request, int code, String text) {
    String self = nodeId != null ? nodeId : request.dest();
    return new Reply.Error(self, request.src(), request.msgId(), nextMsgId++, code, text);
  }

  private void badLine(String why, byte[] buf, int off, int len) {
    badLines++;
    String text = new String(buf, off, Math.min(len, PREVIEW_CHARS * 4), StandardCharsets.UTF_8);
    String preview =
        text.length() > PREVIEW_CHARS || len > PREVIEW_CHARS * 4
            ? text.substring(0, Math.min(text.length(), PREVIEW_CHARS)) + "... (" + len + " bytes)"
            : text;
    log("idmint node: skipped input line " + badLines + ": " + why + ": " + printable(preview));
  }

  /** Control characters from a bad line would garble the log: show them escaped. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private void tooLong(long len) {
    badLines++;
    log(
        "idmint node: skipped input line "
            + badLines
            + ": longer than "
            + Codec.MAX_LINE_BYTES
            + " bytes ("
            + len
            + " bytes)");
  }

  private void log(String line) {
    err.println(line);
  }

  // The generator's clock and event sink are classes, not System::currentTimeMillis and a lambda:
  // bootstrapping the first lambda costs a node about 10 ms of start-up (NodeStartupIT checks).

  /** The wall clock. */
  private static final class WallClock implements LongSupplier {
    @Override
    public long getAsLong() {
      return System.currentTimeMillis();
    }
  }

  /** The generator's clock and state events as lines on stderr; state writes are not news. */
  private static final class EventLog implements Consumer<IdEvent> {
    private final PrintStream err;

    EventLog(PrintStream err) {
      this.err = err;
    }

    @Override
    public void accept(IdEvent event) {
      if (!(event instanceof IdEvent.StateWritten)) {
        err.println("idmint node: " + event.message());
      }
    }
  }

  private static int indexOf(byte[] buf, int from, int to) {
    for (int k = from; k < to; k++) {
      if (buf[k] == '\n') {
        return k;
      }
    }
    return -1;
  }
}
