package dev.idmint.harness.registry;

import dev.idmint.harness.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's v3 JSON gateway and the instances' {@code /v1/info}, as the harness reads them: short
 * deadlines, so that a member that is down or a service that is paused costs a poll, not the run.
 * etcd's gateway takes keys in base64 and gives 64-bit numbers as strings.
 */
final class Gateway {
  /** A key as a range read gives it. */
  record Kv(String key, String value, long createRevision) {}

  /** How long one call may take: a poll every 100 ms must not pile up behind a stopped process. */
  static final Duration DEADLINE = Duration.ofMillis(500);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // etcd shares its port with gRPC: no h2c offer
          .connectTimeout(DEADLINE)
          .build();

  /** {@code GET path} on 127.0.0.1:{@code port}: the status and body, or an exception. */
  CompletableFuture<HttpResponse<String>> get(int port, String path) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(DEADLINE)
            .GET()
            .build();
    return http.sendAsync(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Whether the member answers {@code /health} with a leader. */
  boolean healthy(int port) throws InterruptedException {
    try {
      HttpResponse<String> r = get(port, "/health").get();
      return r.statusCode() == 200 && r.body().contains("\"true\"");
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  /**
   * Every key from {@code prefix} up (the keys that start with it), read from the member on {@code
   * port}.
   *
   * @throws IOException if it does not answer in time, or not with a range
   */
  List<Kv> range(int port, String prefix) throws IOException, InterruptedException {
    byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
    end[end.length - 1]++; // the first key past every key with the prefix
    String body =
        "{\"key\":\""
            + b64(prefix.getBytes(StandardCharsets.UTF_8))
            + "\",\"range_end\":\""
            + b64(end)
            + "\"}";
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/kv/range"))
            .timeout(DEADLINE)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> answer =
        http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (answer.statusCode() != 200) {
      throw new IOException("HTTP " + answer.statusCode() + ": " + answer.body());
    }
    return kvs(answer.body());
  }

  /** The keys of a range answer. */
  static List<Kv> kvs(String answer) throws IOException {
    List<Kv> kvs = new ArrayList<>();
    try {
      Object kv = ((Map<?, ?>) Json.parse(answer)).get("kvs");
      if (kv instanceof List<?> list) {
        for (Object o : list) {
          Map<?, ?> m = (Map<?, ?>) o;
          kvs.add(
              new Kv(
                  unb64(m.get("key")),
                  unb64(m.get("value")),
                  Long.parseLong(String.valueOf(m.get("create_revision")))));
        }
      }
    } catch (Json.ParseException | ClassCastException | IllegalArgumentException e) {
      throw new IOException("not etcd's answer to a range: " + e.getMessage(), e);
    }
    return kvs;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** A base64 field as text; an empty value is left out of etcd's JSON, as every default. */
  private static String unb64(Object field) {
    return field instanceof String s
        ? new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8)
        : "";
  }
}
