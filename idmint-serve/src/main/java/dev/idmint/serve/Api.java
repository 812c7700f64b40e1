package dev.idmint.serve;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_ACCEPTABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.UNPROCESSABLE_ENTITY;
import static io.netty.handler.codec.http.HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE;

import dev.idmint.etcd.EtcdRegistry;
import dev.idmint.id.ClockStats;
import dev.idmint.id.CounterId;
import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.IdEvent;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.id.IdText;
import dev.idmint.id.LeadBoundException;
import dev.idmint.id.RenewalPendingException;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The HTTP API, apart from the transport: a request's method, target and a few headers in, a {@link
 * Reply} out. Never throws: every failure is a reply with a status and an error body.
 */
final class Api {
  static final AsciiString JSON = AsciiString.cached("application/json");
  static final AsciiString TEXT = AsciiString.cached("text/plain; charset=utf-8");
  static final AsciiString PROMETHEUS = AsciiString.cached(Metrics.CONTENT_TYPE);

  /** The snowflake layout, for /v1/info. */
  static final int TIME_BITS = Long.bitCount(SnowflakeId.MAX_TIME);

  static final int WORKER_BITS = Integer.bitCount(SnowflakeId.MAX_WORKER);
  static final int SEQUENCE_BITS = Integer.bitCount(SnowflakeId.MAX_SEQUENCE);

  private static final byte[] IDS_OPEN = "{\"ids\":[".getBytes(StandardCharsets.US_ASCII);
  private static final String IDS_ALLOW = "GET, POST";
  private static final String READ_ALLOW = "GET, HEAD";
  private static final String PATHS =
      "/v1/ids, /v1/ids/{id}, /v1/info, /healthz, /readyz, /metrics";

  /** Longer than any ID: a 64-character node and two numbers (an HLC ID), with separators. */
  private static final int MAX_ID_LENGTH = 64 + 2 + 2 * IdText.MAX_DIGITS;

  /**
   * How long a request may wait for the clock at the lead bound, in all, before it gets 503: twice
   * what the largest request (100,000 IDs, the highest --max-count) needs of a snowflake worker's
   * clock alone (24.4 ms at 4,096 IDs per ms). A longer wait means more demand than the clock
   * allows, which a 503 with Retry-After surfaces instead of queueing it.
   */
  static final long MAX_LEAD_WAIT_NANOS = 50_000_000L;

  /**
   * How long a request may wait, in all, for the state's renewal off the event loop when the lease
   * runs out under it: an etcd leader election takes one to two seconds, and one member of three
   * down must change nothing a client sees. A renewal that fails ends the wait with a 503.
   */
  static final long MAX_RENEWAL_WAIT_NANOS = 3_000_000_000L;

  /** One response's IDs and their bytes per event-loop thread, so IDs cost no allocation each. */
  private static final FastThreadLocal<Scratch> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
          return new Scratch();
        }
      };

  private static final class Scratch {
    long[] ids = new long[16];
    byte[] bytes = new byte[256];
    // The bytes as a body, reused: the thread keeps one reference, so a reply's release never
    // frees it, and a reply costs no buffer object.
    ByteBuf body = Unpooled.wrappedBuffer(bytes);
  }

  /**
   * What to send back. The body belongs to whoever writes it, and must be written before the same
   * thread asks for the next reply: an ID body wraps that thread's scratch bytes.
   *
   * @param ids how many IDs the body carries, counted as delivered once it is written
   * @param retryAfter a 503's Retry-After, in seconds
   * @param retryNanos if positive, no answer: the IDs need the clock to move on this long, within
   *     what the request may still wait; ask again then (status and body are null)
   */
  record Reply(
      Route route,
      HttpResponseStatus status,
      AsciiString contentType,
      ByteBuf body,
      boolean noStore,
      String allow,
      int ids,
      long retryAfter,
      long retryNanos) {
    Reply(
        Route route,
        HttpResponseStatus status,
        AsciiString contentType,
        ByteBuf body,
        boolean noStore,
        String allow,
        int ids) {
      this(route, status, contentType, body, noStore, allow, ids, 1, 0);
    }
  }

  private static final ClockStats NO_CLOCK = new ClockStats(0, 0, 0);

  private final Generators gens;
  private final ServeConfig config;
  private final Metrics metrics;
  private final Events events;
  private final String version;
  private final String transport;
  private final LongSupplier ticker;
  private final long startNanos;
  private final Instant started;
  private final byte[] node; // as IDs carry it; needs no escaping (ServeConfig.checkNode)
  private final int maxIdBytes; // one ID in a body, with its quotes and separator
  private final Readiness readiness;
  private final Consumer<String> log;

  Api(
      Generators gens,
      ServeConfig config,
      Metrics metrics,
      Readiness readiness,
      Events events,
      String version,
      String transport,
      LongSupplier ticker,
      Consumer<String> log) {
    this.gens = gens;
    this.config = config;
    this.metrics = metrics;
    this.events = events;
    this.version = version;
    this.transport = transport;
    this.ticker = ticker;
    this.startNanos = ticker.getAsLong();
    this.started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    this.log = log;
    this.readiness = readiness;
    this.node = config.node().getBytes(StandardCharsets.US_ASCII);
    this.maxIdBytes = IdText.maxIdBytes(node) + 3;
  }

  /**
   * Answers one request.
   *
   * @param uri the request target as sent: origin form ({@code /v1/ids?count=3}) or absolute form
   * @param accept the Accept header, or null
   * @param contentType the Content-Type header, or null
   * @param body the request body, or null if it had none
   * @param mayWaitNanos how much longer the request may wait for the clock at the lead bound: a
   *     request whose IDs need no longer gets a {@link Reply#retryNanos} reply
   */
  Reply handle(
      HttpMethod method,
      String uri,
      String accept,
      String contentType,
      String body,
      ByteBufAllocator alloc,
      long mayWaitNanos) {
    Route route = Route.OTHER;
    try {
      String target = originForm(uri);
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      String query = q < 0 ? null : target.substring(q + 1);
      route = route(path);
      return switch (route) {
        case IDS -> ids(method, query, accept, contentType, body, alloc);
        case DECODE -> decode(method, path.substring("/v1/ids/".length()), alloc);
        case INFO -> {
          allow(method, route);
          yield json(route, OK, info(), true, alloc);
        }
        case HEALTHZ -> {
          allow(method, route);
          yield json(route, OK, new Json().raw("{\"status\":\"ok\"}"), true, alloc);
        }
        case READYZ -> readyz(method, alloc);
        case METRICS -> metrics(method, alloc);
        case OTHER ->
            throw new ApiException(
                NOT_FOUND, "no such path '" + Json.clip(path) + "'; the paths are " + PATHS);
      };
    } catch (ApiException e) {
      return error(route, e.status, e.getMessage(), e.allow, alloc);
    } catch (LeadBoundException e) {
      long wait = e.retryAfter().toNanos();
      if (wait <= mayWaitNanos) {
        metrics.leadWaited();
        return new Reply(route, null, null, null, true, null, 0, 0, Math.max(wait, 1));
      }
      metrics.leadRefused();
      String why =
          e.getMessage()
              + "; a request waits for the clock at most "
              + MAX_LEAD_WAIT_NANOS / 1_000_000
              + " ms in all: more IDs are asked for than the clock allows (4,096 a ms per worker)";
      return new Reply(
          route,
          SERVICE_UNAVAILABLE,
          JSON,
          errorBody(why, alloc),
          true,
          null,
          0,
          retryAfterSeconds(wait),
          0);
    } catch (RenewalPendingException e) {
      long waited = MAX_LEAD_WAIT_NANOS - mayWaitNanos;
      long wait = e.retryAfter().toNanos();
      if (waited + wait <= MAX_RENEWAL_WAIT_NANOS) {
        return new Reply(route, null, null, null, true, null, 0, 0, Math.max(wait, 1));
      }
      return error(
          route,
          SERVICE_UNAVAILABLE,
          e.getMessage()
              + "; it did not finish within "
              + MAX_RENEWAL_WAIT_NANOS / 1_000_000
              + " ms",
          null,
          alloc);
    } catch (IdStateException e) {
      // Readiness has heard of a failed write as an event; a closed generator is a drain.
      return error(route, SERVICE_UNAVAILABLE, e.getMessage(), null, alloc);
    } catch (RuntimeException e) {
      log.accept("idmint serve: internal error answering " + Json.clip(uri) + ": " + e);
      return error(route, INTERNAL_SERVER_ERROR, "internal error: " + e, null, alloc);
    }
  }

  /** Retry-After for a wait of {@code nanos}: whole seconds, rounded up, at least 1. */
  static long retryAfterSeconds(long nanos) {
    return Math.max(1, nanos / 1_000_000_000 + (nanos % 1_000_000_000 == 0 ? 0 : 1));
  }

  /** Strips {@code http://host} from an absolute-form target. */
  private static String originForm(String uri) {
    if (uri.startsWith("/")) {
      return uri;
    }
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      int question = uri.indexOf('?', uri.indexOf("//") + 2);
      if (slash < 0 || (question >= 0 && question < slash)) {
        return "/" + (question < 0 ? "" : uri.substring(question));
      }
      return uri.substring(slash);
    }
    throw new ApiException(BAD_REQUEST, "request target '" + Json.clip(uri) + "' is not a path");
  }

  /**
   * Whether {@code uri} is a liveness, metrics or info request: small answers that operators need
   * most when clients that do not read have spent the answer budget, so they are answered even
   * then.
   */
  static boolean forOperators(String uri) {
    try {
      String target = originForm(uri);
      int q = target.indexOf('?');
      Route r = route(q < 0 ? target : target.substring(0, q));
      return r == Route.HEALTHZ || r == Route.METRICS || r == Route.INFO;
    } catch (ApiException e) {
      return false;
    }
  }

  private static Route route(String path) {
    return switch (path) {
      case "/v1/ids" -> Route.IDS;
      case "/v1/info" -> Route.INFO;
      case "/healthz" -> Route.HEALTHZ;
      case "/readyz" -> Route.READYZ;
      case "/metrics" -> Route.METRICS;
      default -> path.startsWith("/v1/ids/") ? Route.DECODE : Route.OTHER;
    };
  }

  /** {@code /v1/ids} takes GET and POST (each issues IDs); the rest GET and HEAD. */
  private static void allow(HttpMethod method, Route route) {
    boolean ids = route == Route.IDS;
    boolean ok =
        method.equals(HttpMethod.GET) || method.equals(ids ? HttpMethod.POST : HttpMethod.HEAD);
    if (!ok) {
      String allow = ids ? IDS_ALLOW : READ_ALLOW;
      throw new ApiException(
          METHOD_NOT_ALLOWED,
          "method "
              + Json.clip(method.name())
              + " is not allowed on "
              + route.label
              + "; use "
              + allow,
          allow);
    }
  }

  private Reply ids(
      HttpMethod method,
      String query,
      String accept,
      String contentType,
      String body,
      ByteBufAllocator alloc) {
    allow(method, Route.IDS);
    String form = null;
    if (body != null && !body.isEmpty()) {
      if (!isForm(contentType)) {
        throw new ApiException(
            UNSUPPORTED_MEDIA_TYPE,
            "a request body must be a form (application/x-www-form-urlencoded, e.g."
                + " count=3&format=number), got "
                + (contentType == null ? "no Content-Type" : "'" + Json.clip(contentType) + "'")
                + "; or send the parameters in the query string");
      }
      form = body;
    }
    IdsQuery params = IdsQuery.parse(query, form, config.limits().maxCount());
    Media media = Media.negotiate(accept);
    if (media == null) {
      throw new ApiException(
          NOT_ACCEPTABLE,
          "cannot answer in any type Accept allows ('"
              + Json.clip(accept)
              + "'); IDs come as application/json or text/plain");
    }
    if (params.numbers() && config.scheme() != Scheme.SNOWFLAKE) {
      throw new ApiException(
          BAD_REQUEST,
          "format=number is for snowflake IDs; this service issues "
              + config.scheme()
              + " IDs, which are strings");
    }
    IdGenerator gen = gens.current(); // the one volatile read: a registry may swap it
    if (gen == null) {
      String why = gens.problem();
      throw new ApiException(SERVICE_UNAVAILABLE, why == null ? "registry: no worker yet" : why);
    }
    if (params.after() != null) {
      observe(gen, params.after());
    }
    boolean text = media == Media.TEXT;
    ByteBuf out = writeIds(gen, params.count(), text, params.numbers());
    return new Reply(Route.IDS, OK, text ? TEXT : JSON, out, true, null, params.count());
  }

  /**
   * Whether {@code contentType} is {@code application/x-www-form-urlencoded}, exactly, with any
   * parameters (a charset) after a semicolon; not a type that merely starts with it.
   */
  static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().equalsIgnoreCase("application/x-www-form-urlencoded");
  }

  /**
   * {@code after=<id>}: every ID of this response, and of any later one, is greater than {@code
   * text}, an ID of this service's scheme seen elsewhere (causal order across the fleet and its
   * clients). An ID at or below one already issued changes nothing and is always accepted. A
   * well-formed ID beyond the bound (a time further ahead of the wall clock than the max lead, a
   * counter n past 2^61) is refused with 422 rather than followed: the request is well-formed, so
   * not a 400, but this instance will not act on it, and sending it again will not change that.
   */
  private void observe(IdGenerator gen, String text) {
    if (text.length() > MAX_ID_LENGTH) {
      throw new ApiException(
          BAD_REQUEST, "after='" + Json.clip(text) + "' is not an ID: longer than any ID");
    }
    Id seen;
    try {
      seen = Id.parse(text);
    } catch (IllegalArgumentException e) {
      String why = e.getMessage();
      if (gen.scheme() == Scheme.HLC) {
        try {
          HlcId.parse(text);
        } catch (IllegalArgumentException hlc) {
          why = hlc.getMessage(); // what is wrong with it as the HLC ID it must be
        }
      }
      throw new ApiException(BAD_REQUEST, "after: " + why);
    }
    if (seen.scheme() != gen.scheme()) {
      throw new ApiException(
          BAD_REQUEST,
          "after must be a "
              + gen.scheme()
              + " ID, as this service issues; '"
              + Json.clip(text)
              + "' is a "
              + seen.scheme()
              + " ID");
    }
    try {
      gen.observe(seen);
    } catch (IllegalArgumentException e) { // ObservedAheadException, or a counter past 2^61
      metrics.afterRefused();
      throw new ApiException(UNPROCESSABLE_ENTITY, "after: " + e.getMessage());
    }
  }

  /**
   * {@code count} IDs from one {@link IdGenerator#nextLongs} call (one clock reading and one atomic
   * step for the lot) straight into bytes: no object per ID. If the generator throws, no ID of the
   * batch was issued.
   */
  private ByteBuf writeIds(IdGenerator gen, int count, boolean text, boolean numbers) {
    Scratch scratch = SCRATCH.get();
    long[] ids = scratch.ids;
    if (ids.length < count) {
      ids = scratch.ids = new long[Math.max(count, ids.length * 2)];
    }
    gen.nextLongs(ids, 0, count);
    byte[] buf = scratch.bytes;
    int size = IDS_OPEN.length + count * maxIdBytes + 3;
    if (buf.length < size) {
      buf = scratch.bytes = new byte[Math.max(size, buf.length * 2)];
      scratch.body = Unpooled.wrappedBuffer(buf);
    }
    boolean quote = !text && !numbers;
    int p = 0;
    if (!text) {
      System.arraycopy(IDS_OPEN, 0, buf, 0, IDS_OPEN.length);
      p = IDS_OPEN.length;
    }
    Scheme scheme = gen.scheme();
    byte[] nodeBytes = node;
    for (int i = 0; i < count; i++) {
      if (quote) {
        buf[p++] = '"';
      }
      p = IdText.id(scheme, ids[i], nodeBytes, buf, p);
      if (quote) {
        buf[p++] = '"';
      }
      buf[p++] = text ? (byte) '\n' : (byte) ',';
    }
    if (!text) {
      buf[p - 1] = ']'; // over the last comma
      buf[p++] = '}';
      buf[p++] = '\n';
    }
    metrics.issued(count);
    // No copy: the response is encoded from the scratch bytes before this thread needs them again.
    return scratch.body.retain().setIndex(0, p);
  }

  private Reply decode(HttpMethod method, String raw, ByteBufAllocator alloc) {
    allow(method, Route.DECODE);
    String text;
    try {
      text =
          raw.indexOf('%') < 0
              ? raw
              : QueryStringDecoder.decodeComponent(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(BAD_REQUEST, "bad percent-encoding in '" + Json.clip(raw) + "'");
    }
    if (text.length() > MAX_ID_LENGTH) {
      throw new ApiException(
          BAD_REQUEST, "'" + Json.clip(text) + "' is not an ID: longer than any ID");
    }
    Id id;
    try {
      id = Id.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiException(BAD_REQUEST, e.getMessage());
    }
    Json j = new Json().raw("{\"id\":").string(id.toString());
    if (id instanceof SnowflakeId s) {
      j.raw(",\"scheme\":\"snowflake\",\"timestamp\":\"")
          .raw(s.timestamp().toString())
          .raw("\",\"timestamp_ms\":")
          .number(s.timestamp().toEpochMilli())
          .raw(",\"worker\":")
          .number(s.worker())
          .raw(",\"sequence\":")
          .number(s.sequence());
    } else if (id instanceof HlcId h) {
      j.raw(",\"scheme\":\"hlc\",\"timestamp\":\"")
          .raw(h.timestamp().toString())
          .raw("\",\"pt\":")
          .number(h.pt())
          .raw(",\"lc\":")
          .number(h.lc())
          .raw(",\"node\":")
          .string(h.node());
    } else {
      CounterId c = (CounterId) id;
      j.raw(",\"scheme\":\"counter\",\"node\":").string(c.node()).raw(",\"n\":").number(c.n());
    }
    return json(Route.DECODE, OK, j.raw("}"), false, alloc);
  }

  /** Everything from memory: the state's values come from the generator's and registry's events. */
  private Json info() {
    IdGenerator gen = gens.current();
    ClockStats clock = gen == null ? NO_CLOCK : gen.clockStats();
    Scheme scheme = config.scheme();
    boolean snowflake = scheme == Scheme.SNOWFLAKE;
    EtcdRegistry etcd = gens.registry();
    EtcdRegistry.Status status = etcd == null ? null : etcd.status();
    Json j = new Json().raw("{\"scheme\":").string(scheme.toString());
    if (snowflake) {
      j.raw(",\"worker\":");
      if (status == null) {
        j.number(config.worker());
      } else if (status.worker() < 0) {
        j.raw("null");
      } else {
        j.number(status.worker());
      }
      j.raw(",\"worker_source\":");
      String source = config.workerSource() == null ? "default" : config.workerSource();
      j.string(
          status == null ? source : config.registry().exact() ? source + ", claimed" : "registry");
    }
    j.raw(",\"node\":").string(config.node());
    if (snowflake) {
      Instant epoch = new SnowflakeId(0).timestamp();
      j.raw(",\"epoch\":\"")
          .raw(epoch.toString())
          .raw("\",\"epoch_ms\":")
          .number(epoch.toEpochMilli())
          .raw(",\"layout\":{\"time_bits\":")
          .number(TIME_BITS)
          .raw(",\"worker_bits\":")
          .number(WORKER_BITS)
          .raw(",\"sequence_bits\":")
          .number(SEQUENCE_BITS)
          .raw("}");
    } else {
      j.raw(",\"layout\":").string(scheme == Scheme.HLC ? "<pt>_<lc>_<node>" : "<node>-<n>");
    }
    j.raw(",\"max_lead_ms\":").number(config.maxLead().toMillis()).raw(",\"state\":");
    if (config.stateDir() == null && status == null) {
      j.raw("null");
    } else {
      info(j);
    }
    if (status != null) {
      registry(j, status);
    }
    long upMillis = (ticker.getAsLong() - startNanos) / 1_000_000;
    return j.raw(",\"clock\":{\"lead_ms\":")
        .number(clock.leadMillis())
        .raw(",\"backward_jumps\":")
        .number(clock.backwardJumps())
        .raw(",\"largest_jump_ms\":")
        .number(clock.largestJumpMillis())
        .raw("},\"max_count\":")
        .number(config.limits().maxCount())
        .raw(",\"transport\":")
        .string(transport)
        .raw(",\"version\":")
        .string(version)
        .raw(",\"started\":\"")
        .raw(started.toString())
        .raw("\",\"uptime_s\":")
        .raw(String.format(Locale.ROOT, "%d.%03d", upMillis / 1000, upMillis % 1000))
        .raw("}");
  }

  /**
   * The state: dir, file, the lease (snowflake, HLC: no ID has a later time) or the reserved n
   * (counter: every n issued is below it) as last written, the writes, and the failed ones.
   */
  private void info(Json j) {
    // With a registry there is no dir: the file is its key.
    Path dir = config.stateDir();
    j.raw("{\"dir\":")
        .stringOrNull(dir == null ? null : dir.toAbsolutePath().toString())
        .raw(",\"file\":")
        .stringOrNull(events.store());
    IdEvent.StateWritten last = events.lastWrite();
    boolean lease = config.scheme() != Scheme.COUNTER;
    j.raw(lease ? ",\"lease\":" : ",\"reserved\":");
    if (last == null) {
      j.raw("null");
    } else if (lease) {
      j.string(Instant.ofEpochMilli(last.value()).toString());
    } else {
      j.number(last.value());
    }
    j.raw(",\"writes\":").number(events.writes());
    if (last != null) {
      j.raw(",\"last_write\":\"")
          .raw(String.valueOf(events.lastWriteAt()))
          .raw("\",\"last_write_ms\":")
          .raw(String.format(Locale.ROOT, "%.3f", last.took().toNanos() / 1e6));
    }
    j.raw(",\"write_failures\":").number(events.failures()).raw(",\"error\":");
    j.stringOrNull(readiness.draining() ? null : readiness.reason()).raw("}");
  }

  /**
   * The registry: where, which fleet and instance, the claim's state, worker, owner revision, the
   * time T committed (and how long it still covers), the lease's renewals, and why IDs stop, if so.
   */
  private void registry(Json j, EtcdRegistry.Status s) {
    ServeConfig.Registry r = config.registry();
    j.raw(",\"registry\":{\"url\":")
        .string(s.url())
        .raw(",\"fleet\":")
        .string(s.fleet())
        .raw(",\"instance\":")
        .string(s.instance())
        .raw(",\"worker_ids\":")
        .string(r.workerIds())
        .raw(",\"ttl_ms\":")
        .number(r.ttl().toMillis())
        .raw(",\"state\":")
        .string(s.state().toString())
        .raw(",\"worker\":");
    if (s.worker() < 0) {
      j.raw("null");
    } else {
      j.number(s.worker());
    }
    j.raw(",\"owner_revision\":").number(s.ownerRevision()).raw(",\"committed\":");
    if (s.committed().isPresent()) {
      j.string(Instant.ofEpochMilli(s.committed().getAsLong()).toString());
    } else {
      j.raw("null");
    }
    j.raw(",\"committed_left_ms\":")
        .number(s.timeLeftMillis(System.currentTimeMillis()))
        .raw(",\"since_renewal_ms\":")
        .number(s.sinceRenewal().toMillis())
        .raw(",\"renewals\":")
        .number(s.renewals())
        .raw(",\"renewal_failures\":")
        .number(s.renewalFailures())
        .raw(",\"commits\":")
        .number(s.commits())
        .raw(",\"commit_failures\":")
        .number(s.commitFailures())
        .raw(",\"takeovers\":")
        .number(s.takeovers())
        .raw(",\"error\":")
        .stringOrNull(gens.problem())
        .raw("}");
  }

  private Reply readyz(HttpMethod method, ByteBufAllocator alloc) {
    allow(method, Route.READYZ);
    String reason = readiness.reason();
    if (reason == null) {
      return json(Route.READYZ, OK, new Json().raw("{\"ready\":true}"), true, alloc);
    }
    Json j = new Json().raw("{\"ready\":false,\"error\":").string(reason).raw("}");
    return json(Route.READYZ, SERVICE_UNAVAILABLE, j, true, alloc);
  }

  private Reply metrics(HttpMethod method, ByteBufAllocator alloc) {
    allow(method, Route.METRICS);
    ByteBuf out = alloc.buffer(4096);
    try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
      metrics.write(stream);
    } catch (IOException e) {
      out.release();
      throw new UncheckedIOException(e); // a ByteBuf does not fail
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
    return new Reply(Route.METRICS, OK, PROMETHEUS, out, true, null, 0);
  }

  private static Reply json(
      Route route, HttpResponseStatus status, Json json, boolean noStore, ByteBufAllocator alloc) {
    return new Reply(route, status, JSON, json.line(alloc), noStore, null, 0);
  }

  static Reply error(
      Route route,
      HttpResponseStatus status,
      String message,
      String allow,
      ByteBufAllocator alloc) {
    return new Reply(route, status, JSON, errorBody(message, alloc), route == Route.IDS, allow, 0);
  }

  private static ByteBuf errorBody(String message, ByteBufAllocator alloc) {
    return Json.error(message).line(alloc);
  }
}
