package dev.idmint.node;

import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.IdEvent;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.id.LeadBoundException;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The unique-ids node: a single-threaded loop that reads lines, decodes, dispatches, encodes and
 * writes. Replies accumulate while more input is already buffered and are flushed just before a
 * read could block, so a burst leaves in one write and no reply waits on input.
 */
public final class Node {
  /** Replies are written out once this much has accumulated, or before a read could block. */
  private static final int FLUSH_BYTES = 1 << 16;

  /** How much of a bad line the log shows. */
  private static final int PREVIEW_CHARS = 160;

  /** A year of 365.25 days, for time_info's years_remaining. */
  private static final long MILLIS_PER_YEAR = 31_557_600_000L;

  /** How far simulate_backward may move the clock back in all: 100 years. */
  private static final long MAX_SHIFT_MILLIS = 100 * MILLIS_PER_YEAR;

  private static final Duration UNBOUNDED = Duration.ofMillis(Long.MAX_VALUE);

  private static final LongSupplier TICKER = new Ticker();

  private final NodeConfig config;
  private final InputStream in;
  private final OutputStream out;
  private final PrintStream err;
  private final Codec codec = new Codec();
  private final Output pending = new Output();

  private final WallClock clock = new WallClock();
  private String nodeId;
  private List<String> nodeIds;
  private IdGenerator generator;
  private boolean hlcScheme;
  private IdGenerator hlc; // made on first need, unless it is the generator
  private IdGenerator snowflake; // likewise
  private boolean shifted; // by simulate_backward: hlc_tick then reports drift_ms
  private long hlcLast; // the latest HLC timestamp, packed, as hlc_get reports it
  private long[] batch = new long[0];
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
          if (pending.size() >= FLUSH_BYTES) { // batches: a buffer of input can ask for 100s of MB
            pending.drainTo(out);
          }
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
      if (pending.size() > 0 && available() == 0) {
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
        return notInitialised(request);
      }
      try {
        Id id = generator.next();
        if (hlcScheme) {
          hlcLast = ((HlcId) id).packed();
        }
        return new Reply.GenerateOk(nodeId, request.src(), request.msgId(), nextMsgId++, id);
      } catch (IdStateException | LeadBoundException e) {
        return refused(request, e);
      }
    }
    if (request instanceof Request.GenerateBatch b) {
      return batch(b);
    }
    if (request instanceof Request.Init init) {
      return init(init);
    }
    if (request instanceof Request.Unsupported u) {
      return error(
          request, ErrorCode.NOT_SUPPORTED, "unsupported message type \"" + u.type() + "\"");
    }
    if (request instanceof Request.Malformed m) {
      return error(request, ErrorCode.MALFORMED_REQUEST, m.problem());
    }
    try {
      return track(request);
    } catch (IdStateException | LeadBoundException e) {
      return refused(request, e);
    }
  }

  private Reply batch(Request.GenerateBatch b) {
    if (generator == null) {
      return notInitialised(b);
    }
    int n = b.count();
    if (batch.length < n) {
      batch = new long[n];
    }
    try {
      generator.nextLongs(batch, 0, n);
    } catch (IdStateException | LeadBoundException e) {
      return refused(b, e);
    }
    Scheme scheme = generator.scheme();
    long maxSequence;
    if (scheme == Scheme.COUNTER) {
      maxSequence = batch[n - 1];
    } else {
      long mask = scheme == Scheme.HLC ? HlcId.MAX_LC : SnowflakeId.MAX_SEQUENCE;
      maxSequence = 0;
      for (int k = 0; k < n; k++) {
        maxSequence = Math.max(maxSequence, batch[k] & mask);
      }
      if (hlcScheme) {
        hlcLast = batch[n - 1];
      }
    }
    return new Reply.GenerateBatchOk(
        nodeId, b.src(), b.msgId(), nextMsgId++, scheme, nodeId, batch, n, maxSequence);
  }

  /** The Identifier track's messages beyond generate: decoding, the clocks, comparisons. */
  private Reply track(Request request) {
    String self = self(request);
    String src = request.src();
    String msgId = request.msgId();
    if (request instanceof Request.Decompose d) {
      SnowflakeId id = d.id();
      return new Reply.DecomposeOk(
          self, src, msgId, nextMsgId++, id.timestamp().toEpochMilli(), id.worker(), id.sequence());
    }
    if (request instanceof Request.TimeInfo) {
      long current = clock.getAsLong() - SnowflakeId.EPOCH_MILLIS;
      if (snowflake != null) {
        current += snowflake.clockStats().leadMillis(); // the logical clock, when it is ahead
      }
      current = Math.max(0, Math.min(current, SnowflakeId.MAX_TIME));
      return new Reply.TimeInfoOk(
          self,
          src,
          msgId,
          nextMsgId++,
          current,
          SnowflakeId.EPOCH_MILLIS,
          SnowflakeId.MAX_TIME,
          (SnowflakeId.MAX_TIME - current) / MILLIS_PER_YEAR);
    }
    if (request instanceof Request.VerifyIds v) {
      IdCheck.Result r;
      try {
        r = IdCheck.verify(v.ids());
      } catch (IllegalArgumentException e) {
        return error(request, ErrorCode.MALFORMED_REQUEST, "verify_ids: " + e.getMessage());
      }
      return new Reply.VerifyIdsOk(
          self, src, msgId, nextMsgId++, r.count(), r.unique(), r.sorted(), r.duplicates());
    }
    if (request instanceof Request.HlcGet) {
      return new Reply.HlcGetOk(
          self, src, msgId, nextMsgId++, hlcLast >>> HlcId.LC_BITS, hlcLast & HlcId.MAX_LC);
    }
    if (request instanceof Request.SimulateBackward s) {
      return shift(s);
    }
    if (request instanceof Request.ParseHlcId p) {
      return new Reply.ParseHlcIdOk(self, src, msgId, nextMsgId++, p.id());
    }
    if (nodeId == null) {
      return notInitialised(request); // the rest issue IDs, which name the node
    }
    if (request instanceof Request.HlcTick) {
      HlcId id = tick(hlc().next());
      Long drift = shifted ? Math.max(0, id.pt() - clock.getAsLong()) : null;
      return new Reply.HlcTickOk(nodeId, src, msgId, nextMsgId++, id.pt(), id.lc(), drift);
    }
    if (request instanceof Request.HlcReceive r) {
      IdGenerator h = hlc();
      h.observe(HlcId.pack(r.remotePt(), r.remoteLc())); // the bound is lifted: never refused
      HlcId id = tick(h.next());
      return new Reply.HlcReceiveOk(nodeId, src, msgId, nextMsgId++, id.pt(), id.lc());
    }
    Request.CompareIds c = (Request.CompareIds) request;
    IdGenerator s;
    try {
      s = snowflake();
    } catch (IllegalArgumentException e) {
      return error(c, ErrorCode.NOT_SUPPORTED, "compare_ids: " + e.getMessage());
    }
    String uuid = UUID.randomUUID().toString();
    SnowflakeId sid = (SnowflakeId) s.next();
    HlcId hid = tick(hlc().next());
    return new Reply.CompareIdsOk(nodeId, src, msgId, nextMsgId++, uuid, sid, hid);
  }

  private HlcId tick(Id id) {
    HlcId h = (HlcId) id;
    hlcLast = h.packed();
    return h;
  }

  /** simulate_backward: every clock of this node reads the shifted time from now on. */
  private Reply shift(Request.SimulateBackward s) {
    long offset = s.offsetMs();
    if (offset < -MAX_SHIFT_MILLIS - clock.offset || offset > -clock.offset) {
      return error(
          s,
          ErrorCode.MALFORMED_REQUEST,
          "simulate_backward: offset_ms "
              + offset
              + " would shift the clock to "
              + (clock.offset + offset)
              + " ms; it may go back at most 100 years ("
              + MAX_SHIFT_MILLIS
              + " ms) in all and never ahead of the real clock, so from "
              + (-MAX_SHIFT_MILLIS - clock.offset)
              + " to "
              + (-clock.offset)
              + " now");
    }
    clock.offset += offset;
    shifted = true;
    log(
        "idmint node: simulate_backward: the clock now reads "
            + (-clock.offset)
            + " ms behind the real one");
    return new Reply.SimulateBackwardOk(self(s), s.src(), s.msgId(), nextMsgId++);
  }

  /** The node's hybrid logical clock: the generator itself in the HLC scheme. */
  private IdGenerator hlc() {
    if (hlc == null) {
      hlc = side(Scheme.HLC).build();
    }
    return hlc;
  }

  /** A snowflake generator for compare_ids: the generator itself in the snowflake scheme. */
  private IdGenerator snowflake() {
    if (snowflake == null) {
      IdFactory.Builder b = side(Scheme.SNOWFLAKE);
      if (config.workerId() != null) {
        b.workerId(config.workerId());
      }
      snowflake = b.build();
    }
    return snowflake;
  }

  /**
   * A generator of another scheme than the node's, on the same clock, without durable state (the
   * state file belongs to the node's own scheme).
   */
  private IdFactory.Builder side(Scheme scheme) {
    return builder(scheme, "[" + scheme + "] ").node(nodeId, nodeIds);
  }

  /**
   * The track's hlc_receive takes any remote time, so the HLC's bound on observed times is lifted;
   * the lead warning still reports a remote clock running far ahead. Events are logged with {@code
   * tag} before them.
   */
  private IdFactory.Builder builder(Scheme scheme, String tag) {
    return IdFactory.builder()
        .scheme(scheme)
        .maxLead(config.maxLead())
        .maxObservedLead(UNBOUNDED)
        .clock(clock)
        .ticker(TICKER)
        .events(new EventLog(err, tag));
  }

  private Reply notInitialised(Request request) {
    return error(request, ErrorCode.TEMPORARILY_UNAVAILABLE, "not initialised: send init first");
  }

  private Reply refused(Request request, RuntimeException e) {
    log("idmint node: request refused: " + e.getMessage());
    return error(request, ErrorCode.TEMPORARILY_UNAVAILABLE, e.getMessage());
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
        builder(config.scheme(), "")
            .node(init.nodeId(), init.nodeIds())
            .stateDir(config.stateDir());
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
    nodeIds = init.nodeIds();
    hlcScheme = config.scheme() == Scheme.HLC;
    if (hlcScheme) {
      hlc = generator;
    } else if (config.scheme() == Scheme.SNOWFLAKE) {
      snowflake = generator;
    }
    log("idmint node: initialised as " + nodeId + " of " + init.nodeIds().size() + " nodes");
    return new Reply.InitOk(nodeId, init.src(), init.msgId(), nextMsgId++);
  }

  private Reply error(Request request, int code, String text) {
    return new Reply.Error(self(request), request.src(), request.msgId(), nextMsgId++, code, text);
  }

  /** Before init the node answers as whatever the request was addressed to. */
  private String self(Request request) {
    return nodeId != null ? nodeId : request.dest();
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

  /** The wall clock, shifted by simulate_backward. */
  private static final class WallClock implements LongSupplier {
    long offset; // the node's thread alone moves it and reads it

    @Override
    public long getAsLong() {
      return System.currentTimeMillis() + offset;
    }
  }

  /** Real elapsed time for the lead bound, which simulate_backward's shift must not move. */
  private static final class Ticker implements LongSupplier {
    @Override
    public long getAsLong() {
      return System.nanoTime();
    }
  }

  /**
   * A generator's clock and state events as lines on stderr; state writes are not news. The
   * generators of other schemes than the node's (for the track's messages) tag their lines.
   */
  private static final class EventLog implements Consumer<IdEvent> {
    private final PrintStream err;
    private final String tag;

    EventLog(PrintStream err, String tag) {
      this.err = err;
      this.tag = tag;
    }

    @Override
    public void accept(IdEvent event) {
      if (!(event instanceof IdEvent.StateWritten)) {
        err.println("idmint node: " + tag + event.message());
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
