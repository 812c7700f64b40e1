package dev.idmint.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * etcd's v3 API through its JSON gateway ({@code POST /v3/...}, keys and values in base64, int64
 * fields as strings), over the JDK's HTTP client: no dependency but the JDK. Each call has a
 * deadline; within it, a member that does not answer, or answers that it cannot serve now (no
 * leader, a timeout inside etcd), is left for the next, round the list, with a short backoff once
 * every member has failed. The member that answered last is asked first next time.
 */
final class EtcdClient {
  /** A key as a range returns it. */
  record Kv(String key, String value, long createRevision, long modRevision, long lease) {}

  /** A transaction's outcome: which branch ran, at which revision, and its ranges' keys. */
  record TxnResult(boolean succeeded, long revision, List<List<Kv>> ranges) {}

  /**
   * A call that failed. {@code answered}: a member answered with this error, so retrying elsewhere
   * would not help; otherwise no member answered within the deadline, and whether a write took
   * effect is unknown.
   */
  static final class EtcdException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean answered;
    final int code; // the gRPC status code etcd gave, or -1

    EtcdException(String message, boolean answered, int code, Throwable cause) {
      super(message, cause);
      this.answered = answered;
      this.code = code;
    }
  }

  /** gRPC's NOT_FOUND, as etcd answers for a lease that has expired or was revoked. */
  static final int NOT_FOUND = 5;

  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Endpoints endpoints;
  private final HttpClient http;
  private final long timeoutNanos;
  private final Duration attemptTimeout;
  private volatile int preferred;

  EtcdClient(Endpoints endpoints, Duration timeout, Duration attemptTimeout) {
    this.endpoints = endpoints;
    this.timeoutNanos = timeout.toNanos();
    this.attemptTimeout = attemptTimeout;
    // HTTP/1.1 only: the gateway shares etcd's port with gRPC, and an h2c upgrade offer is noise.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(attemptTimeout)
            .build();
  }

  String url() {
    return endpoints.url();
  }

  /** The keys from {@code key} up to {@code rangeEnd} (exclusive; empty: {@code key} alone). */
  List<Kv> range(String key, String rangeEnd) {
    StringBuilder body = new StringBuilder("{\"key\":").append(b64(key));
    if (!rangeEnd.isEmpty()) {
      body.append(",\"range_end\":").append(b64(rangeEnd));
    }
    return kvs(call("/v3/kv/range", body.append('}').toString()));
  }

  /** A new lease of {@code ttlSeconds}; returns its id. */
  long grant(long ttlSeconds) {
    Map<String, Object> r = call("/v3/lease/grant", "{\"TTL\":\"" + ttlSeconds + "\"}");
    String error = Json.string(r, "error");
    long id = Json.integer(r, "ID");
    if (!error.isEmpty() || id == 0) {
      throw new EtcdException("etcd granted no lease: " + error, true, -1, null);
    }
    return id;
  }

  /** Renews the lease; returns the TTL it now has, in seconds, or 0 if it has expired. */
  long keepAlive(long lease) {
    Map<String, Object> r = call("/v3/lease/keepalive", "{\"ID\":\"" + lease + "\"}");
    Map<String, Object> error = Json.object(r, "error");
    if (!error.isEmpty()) {
      throw answered(error);
    }
    return Math.max(0, Json.integer(Json.object(r, "result"), "TTL"));
  }

  /** Revokes the lease, deleting its keys; a lease already gone is no error. */
  void revoke(long lease) {
    try {
      call("/v3/lease/revoke", "{\"ID\":\"" + lease + "\"}");
    } catch (EtcdException e) {
      if (!(e.answered && e.code == NOT_FOUND)) {
        throw e;
      }
    }
  }

  TxnResult txn(Txn txn) {
    Map<String, Object> r = call("/v3/kv/txn", txn.json());
    long revision = Json.integer(Json.object(r, "header"), "revision");
    List<List<Kv>> ranges = new ArrayList<>();
    for (Object o : Json.array(r, "responses")) {
      Map<String, Object> response = Json.object(o, "a transaction's response");
      if (response.containsKey("response_range")) {
        ranges.add(kvs(Json.object(response, "response_range")));
      }
    }
    return new TxnResult(Json.bool(r, "succeeded"), revision, ranges);
  }

  /** A transaction: compares, then the writes and reads of each branch, in order. */
  static final class Txn {
    private final List<String> compare = new ArrayList<>();
    private final List<String> success = new ArrayList<>();
    private final List<String> failure = new ArrayList<>();

    /** Compares {@code key}'s create revision, 0 for a key that does not exist. */
    Txn ifCreatedAt(String key, long revision) {
      compare.add(compare(key, "CREATE", "create_revision", revision));
      return this;
    }

    /** Compares {@code key}'s mod revision, 0 for a key that does not exist. */
    Txn ifModifiedAt(String key, long revision) {
      compare.add(compare(key, "MOD", "mod_revision", revision));
      return this;
    }

    /** On success, puts {@code value} at {@code key}, attached to {@code lease} unless 0. */
    Txn put(String key, String value, long lease) {
      success.add(
          "{\"request_put\":{\"key\":"
              + b64(key)
              + ",\"value\":"
              + b64(value)
              + (lease == 0 ? "" : ",\"lease\":\"" + lease + "\"")
              + "}}");
      return this;
    }

    Txn delete(String key) {
      success.add("{\"request_delete_range\":{\"key\":" + b64(key) + "}}");
      return this;
    }

    /** On failure, reads {@code key}. */
    Txn elseRange(String key) {
      failure.add("{\"request_range\":{\"key\":" + b64(key) + "}}");
      return this;
    }

    String json() {
      return "{\"compare\":["
          + String.join(",", compare)
          + "],\"success\":["
          + String.join(",", success)
          + "],\"failure\":["
          + String.join(",", failure)
          + "]}";
    }

    private static String compare(String key, String target, String field, long revision) {
      return "{\"key\":"
          + b64(key)
          + ",\"target\":\""
          + target
          + "\",\"result\":\"EQUAL\",\""
          + field
          + "\":\""
          + revision
          + "\"}";
    }
  }

  private static List<Kv> kvs(Map<String, Object> range) {
    List<Kv> kvs = new ArrayList<>();
    for (Object o : Json.array(range, "kvs")) {
      Map<String, Object> kv = Json.object(o, "a key");
      kvs.add(
          new Kv(
              new String(Json.bytes(kv, "key"), StandardCharsets.UTF_8),
              new String(Json.bytes(kv, "value"), StandardCharsets.UTF_8),
              Json.integer(kv, "create_revision"),
              Json.integer(kv, "mod_revision"),
              Json.integer(kv, "lease")));
    }
    return kvs;
  }

  /** Base64 of the UTF-8 bytes, as a JSON string. */
  static String b64(String s) {
    return '"' + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + '"';
  }

  /**
   * POSTs {@code body} to {@code path} on one member after another until one answers, within the
   * deadline.
   */
  private Map<String, Object> call(String path, String body) {
    long deadline = System.nanoTime() + timeoutNanos;
    List<URI> members = endpoints.members();
    int n = members.size();
    long backoff = TimeUnit.MILLISECONDS.toNanos(50);
    String last = "no attempt";
    Throwable lastCause = null;
    for (int round = 0; round < 1000; round++) {
      int start = preferred;
      for (int i = 0; i < n; i++) {
        int index = (start + i) % n;
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw unreachable(path, last, lastCause);
        }
        URI member = members.get(index);
        Duration wait = Duration.ofNanos(Math.min(left, attemptTimeout.toNanos()));
        HttpRequest request =
            HttpRequest.newBuilder(member.resolve(path))
                .timeout(wait)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
          HttpResponse<String> response =
              http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          Map<String, Object> json = parse(member, response);
          if (response.statusCode() == 200) {
            preferred = index;
            return json;
          }
          EtcdException e = answered(json);
          if (!retryable(e.code)) {
            throw e;
          }
          last = member.getAuthority() + ": " + e.getMessage();
          lastCause = e;
        } catch (HttpTimeoutException e) {
          last = member.getAuthority() + ": no answer within " + wait.toMillis() + " ms";
          lastCause = e;
        } catch (IOException e) {
          last = member.getAuthority() + ": " + describe(e);
          lastCause = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EtcdException("interrupted while calling etcd " + path, false, -1, e);
        }
        if (preferred == index) {
          preferred = (index + 1) % n; // the next call starts elsewhere
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      sleep(Math.min(backoff, left));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
    }
    throw unreachable(path, last, lastCause);
  }

  private EtcdException unreachable(String path, String last, Throwable cause) {
    return new EtcdException(
        "no etcd member of "
            + endpoints.url()
            + " answered "
            + path
            + " within "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms (last: "
            + last
            + ")",
        false,
        -1,
        cause);
  }

  private static Map<String, Object> parse(URI member, HttpResponse<String> response) {
    try {
      return Json.object(Json.parse(response.body()), "etcd's answer");
    } catch (IllegalArgumentException e) {
      String body = response.body();
      throw new EtcdException(
          member.getAuthority()
              + " answered HTTP "
              + response.statusCode()
              + " with what is not etcd's JSON ("
              + e.getMessage()
              + "): "
              + (body.length() > 200 ? body.substring(0, 200) + "..." : body),
          true,
          -1,
          e);
    }
  }

  private static EtcdException answered(Map<String, Object> error) {
    String message = Json.string(error, "message");
    if (message.isEmpty()) {
      message = Json.string(error, "error");
    }
    int code = (int) Json.integer(error, "code");
    return new EtcdException("etcd: " + message + " (code " + code + ")", true, code, null);
  }

  /**
   * Worth asking another member: UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL
   * and UNAVAILABLE, which etcd gives while it has no leader, changes leader or times out inside.
   */
  private static boolean retryable(int code) {
    return code == 2 || code == 4 || code == 8 || code == 10 || code == 13 || code == 14;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    return m == null || m.isEmpty() ? kind : kind + ": " + m;
  }

  private static void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdException("interrupted while waiting to retry etcd", false, -1, e);
    }
  }
}
