package dev.idmint.serve;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_ACCEPTABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE;

import dev.idmint.id.ClockStats;
import dev.idmint.id.CounterId;
import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.IdEvent;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
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
import java.nio.file.Files;
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
  private static final int MAX_ID_LENGTH = 64 + 2 + 2 * Decimal.MAX_DIGITS;

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
  }

  /**
   * What to send back. The body belongs to whoever writes it, and must be written before the same
   * thread asks for the next reply: an ID body wraps that thread's scratch bytes.
   *
   * @param ids how many IDs the body carries, counted as delivered once it is written
   */
  record Reply(
      Route route,
      HttpResponseStatus status,
      AsciiString contentType,
      ByteBuf body,
      boolean noStore,
      String allow,
      int ids) {}

  private final IdGenerator gen;
  private final ServeConfig config;
  private final Metrics metrics;
  private final Readiness readiness;
  private final Events events;
  private final String version;
  private final String transport;
  private final LongSupplier ticker;
  private final long startNanos;
  private final Instant started;
  private final byte[] prefix; // counter IDs: "<node>-"; otherwise none
  private final byte[] suffix; // HLC IDs: "_<node>" after pt and lc; otherwise none
  private final int maxIdBytes;
  private final Consumer<String> log;

  Api(
      IdGenerator gen,
      ServeConfig config,
      Metrics metrics,
      Readiness readiness,
      Events events,
      String version,
      String transport,
      LongSupplier ticker,
      Consumer<String> log) {
    this.gen = gen;
    this.config = config;
    this.metrics = metrics;
    this.readiness = readiness;
    this.events = events;
    this.version = version;
    this.transport = transport;
    this.ticker = ticker;
    this.startNanos = ticker.getAsLong();
    this.started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    this.log = log;
    this.prefix =
        gen.scheme() == Scheme.COUNTER
            ? (config.node() + "-").getBytes(StandardCharsets.US_ASCII)
            : null;
    this.suffix =
        gen.scheme() == Scheme.HLC
            ? ("_" + config.node()).getBytes(StandardCharsets.US_ASCII)
            : null;
    this.maxIdBytes = // "..", around the digits, and the pt's and lc's for HLC
        (prefix == null ? 0 : prefix.length)
            + (suffix == null ? Decimal.MAX_DIGITS : 2 * Decimal.MAX_DIGITS + 1 + suffix.length)
            + 3;
  }

  /**
   * Answers one request.
   *
   * @param uri the request target as sent: origin form ({@code /v1/ids?count=3}) or absolute form
   * @param accept the Accept header, or null
   * @param contentType the Content-Type header, or null
   * @param body the request body, or null if it had none
   */
  Reply handle(
      HttpMethod method,
      String uri,
      String accept,
      String contentType,
      String body,
      ByteBufAllocator alloc) {
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
          yield json(route, OK, "{\"status\":\"ok\"}", true, alloc);
        }
        case READYZ -> readyz(method, alloc);
        case METRICS -> metrics(method, alloc);
        case OTHER ->
            throw new ApiException(
                NOT_FOUND, "no such path '" + Json.clip(path) + "'; the paths are " + PATHS);
      };
    } catch (ApiException e) {
      return error(route, e.status, e.getMessage(), e.allow, alloc);
    } catch (IdStateException e) {
      readiness.renewalFailed(e);
      return error(route, SERVICE_UNAVAILABLE, e.getMessage(), null, alloc);
    } catch (RuntimeException e) {
      log.accept("idmint serve: internal error answering " + Json.clip(uri) + ": " + e);
      return error(route, INTERNAL_SERVER_ERROR, "internal error: " + e, null, alloc);
    }
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
    if (params.numbers() && gen.scheme() != Scheme.SNOWFLAKE) {
      throw new ApiException(
          BAD_REQUEST,
          "format=number is for snowflake IDs; this service issues "
              + gen.scheme()
              + " IDs, which are strings");
    }
    if (params.after() != null) {
      observe(params.after());
    }
    boolean text = media == Media.TEXT;
    ByteBuf out = writeIds(params.count(), text, params.numbers());
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
   * clients). An ID too far ahead of this instance's wall clock is refused rather than followed.
   */
  private void observe(String text) {
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
    } catch (IllegalArgumentException e) { // ObservedAheadException among them
      throw new ApiException(BAD_REQUEST, "after: " + e.getMessage());
    }
  }

  /**
   * {@code count} IDs from one {@link IdGenerator#nextLongs} call (one clock reading and one atomic
   * step for the lot) straight into bytes: no object per ID. If the generator throws, no ID of the
   * batch was issued.
   */
  private ByteBuf writeIds(int count, boolean text, boolean numbers) {
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
    }
    boolean quote = !text && !numbers;
    int p = 0;
    if (!text) {
      System.arraycopy(IDS_OPEN, 0, buf, 0, IDS_OPEN.length);
      p = IDS_OPEN.length;
    }
    byte[] pre = prefix;
    byte[] post = suffix;
    for (int i = 0; i < count; i++) {
      long v = ids[i];
      if (quote) {
        buf[p++] = '"';
      }
      if (pre != null) {
        System.arraycopy(pre, 0, buf, p, pre.length);
        p += pre.length;
      }
      if (post == null) {
        p = Decimal.write(v, buf, p);
      } else { // HLC: pt_lc_node
        p = Decimal.write(v >>> HlcId.LC_BITS, buf, p);
        buf[p++] = '_';
        p = Decimal.write(v & HlcId.MAX_LC, buf, p);
        System.arraycopy(post, 0, buf, p, post.length);
        p += post.length;
      }
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
    return Unpooled.wrappedBuffer(buf, 0, p);
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
    StringBuilder sb = new StringBuilder(160).append("{\"id\":");
    Json.quote(sb, id.toString());
    if (id instanceof SnowflakeId s) {
      sb.append(",\"scheme\":\"snowflake\",\"timestamp\":\"")
          .append(s.timestamp())
          .append("\",\"timestamp_ms\":")
          .append(s.timestamp().toEpochMilli())
          .append(",\"worker\":")
          .append(s.worker())
          .append(",\"sequence\":")
          .append(s.sequence());
    } else if (id instanceof HlcId h) {
      sb.append(",\"scheme\":\"hlc\",\"timestamp\":\"")
          .append(h.timestamp())
          .append("\",\"pt\":")
          .append(h.pt())
          .append(",\"lc\":")
          .append(h.lc())
          .append(",\"node\":");
      Json.quote(sb, h.node());
    } else {
      CounterId c = (CounterId) id;
      sb.append(",\"scheme\":\"counter\",\"node\":");
      Json.quote(sb, c.node()).append(",\"n\":").append(c.n());
    }
    return json(Route.DECODE, OK, sb.append('}').toString(), false, alloc);
  }

  private String info() {
    ClockStats clock = gen.clockStats();
    boolean snowflake = gen.scheme() == Scheme.SNOWFLAKE;
    StringBuilder sb =
        new StringBuilder(512).append("{\"scheme\":\"").append(gen.scheme()).append('"');
    if (snowflake) {
      sb.append(",\"worker\":").append(config.worker()).append(",\"worker_source\":");
      Json.quote(sb, config.workerSource() == null ? "default" : config.workerSource());
    }
    sb.append(",\"node\":");
    Json.quote(sb, config.node());
    if (snowflake) {
      Instant epoch = new SnowflakeId(0).timestamp();
      sb.append(",\"epoch\":\"")
          .append(epoch)
          .append("\",\"epoch_ms\":")
          .append(epoch.toEpochMilli())
          .append(",\"layout\":{\"time_bits\":")
          .append(TIME_BITS)
          .append(",\"worker_bits\":")
          .append(WORKER_BITS)
          .append(",\"sequence_bits\":")
          .append(SEQUENCE_BITS)
          .append('}');
    } else {
      sb.append(",\"layout\":\"")
          .append(gen.scheme() == Scheme.HLC ? "<pt>_<lc>_<node>" : "<node>-<n>")
          .append('"');
    }
    sb.append(",\"state\":");
    if (config.stateDir() == null) {
      sb.append("null");
    } else {
      sb.append("{\"dir\":");
      Json.quote(sb, config.stateDir().toAbsolutePath().toString());
      Path file = config.stateFile().toAbsolutePath();
      sb.append(",\"file\":");
      Json.quote(sb, file.toString());
      boolean lease = gen.scheme() != Scheme.COUNTER;
      String key = lease ? "lease" : "reserved";
      String value = stateValue(file, key);
      sb.append(",\"").append(key).append("\":");
      if (value == null) {
        sb.append("null");
      } else if (lease) {
        Json.quote(sb, value);
      } else {
        sb.append(value);
      }
      IdEvent.StateWritten last = events.lastWrite();
      sb.append(",\"writes\":").append(events.writes());
      if (last != null) {
        sb.append(",\"last_write\":\"")
            .append(events.lastWriteAt())
            .append("\",\"last_write_ms\":")
            .append(String.format(Locale.ROOT, "%.3f", last.took().toNanos() / 1e6));
      }
      sb.append('}');
    }
    sb.append(",\"clock\":{\"lead_ms\":")
        .append(clock.leadMillis())
        .append(",\"backward_jumps\":")
        .append(clock.backwardJumps())
        .append(",\"largest_jump_ms\":")
        .append(clock.largestJumpMillis())
        .append("},\"max_count\":")
        .append(config.limits().maxCount())
        .append(",\"transport\":\"")
        .append(transport)
        .append("\",\"version\":");
    Json.quote(sb, version);
    long upMillis = (ticker.getAsLong() - startNanos) / 1_000_000;
    sb.append(",\"started\":\"")
        .append(started)
        .append("\",\"uptime_s\":")
        .append(upMillis / 1000)
        .append('.')
        .append(String.format(Locale.ROOT, "%03d", upMillis % 1000))
        .append('}');
    return sb.toString();
  }

  /**
   * {@code lease} or {@code reserved} as the state file says it: every ID issued so far is covered
   * by it. Null if the file cannot be read; it is a few bytes, read only for /v1/info.
   */
  private static String stateValue(Path file, String key) {
    try {
      for (String field : Files.readString(file, StandardCharsets.UTF_8).trim().split(" ")) {
        if (field.startsWith(key + "=")) {
          String v = field.substring(key.length() + 1);
          return v.matches("[0-9A-Za-z:.+-]{1,40}") ? v : null;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone or unreadable: readiness says why
    }
    return null;
  }

  private Reply readyz(HttpMethod method, ByteBufAllocator alloc) {
    allow(method, Route.READYZ);
    String reason = readiness.reason();
    if (reason == null) {
      return json(Route.READYZ, OK, "{\"ready\":true}", true, alloc);
    }
    StringBuilder sb = new StringBuilder("{\"ready\":false,\"error\":");
    Json.quote(sb, reason).append('}');
    return json(Route.READYZ, SERVICE_UNAVAILABLE, sb.toString(), true, alloc);
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
      Route route,
      HttpResponseStatus status,
      String json,
      boolean noStore,
      ByteBufAllocator alloc) {
    return new Reply(route, status, JSON, utf8(json + "\n", alloc), noStore, null, 0);
  }

  static Reply error(
      Route route,
      HttpResponseStatus status,
      String message,
      String allow,
      ByteBufAllocator alloc) {
    return new Reply(
        route, status, JSON, utf8(Json.error(message) + "\n", alloc), route == Route.IDS, allow, 0);
  }

  private static ByteBuf utf8(String s, ByteBufAllocator alloc) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return alloc.buffer(bytes.length).writeBytes(bytes);
  }
}
