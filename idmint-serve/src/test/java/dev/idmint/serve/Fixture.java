package dev.idmint.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/** An {@link Api} wired as the server wires it, and helpers to read its answers. */
final class Fixture {
  static final JsonFactory JSON = new JsonFactory();

  final ServeConfig config;
  final IdGenerator generator;
  final Metrics metrics;
  final Readiness readiness;
  final Api api;
  final Service service;
  final List<String> log = new CopyOnWriteArrayList<>();

  Fixture(ServeConfig config) {
    this(config, UnaryOperator.identity());
  }

  /** With the generator's builder adjusted: a clock of the test's own. */
  Fixture(ServeConfig config, UnaryOperator<IdFactory.Builder> adjust) {
    this.config = config;
    this.service = Service.create(config, "nio", log::add, adjust);
    service.events().started();
    this.generator = service.generator();
    this.metrics = service.metrics();
    this.readiness = service.readiness();
    this.api = service.api();
  }

  static Fixture snowflake() {
    return new Fixture(ServeConfig.defaults());
  }

  static Fixture counter() {
    return new Fixture(ServeConfig.defaults().withScheme(Scheme.COUNTER));
  }

  static Fixture hlc() {
    return new Fixture(ServeConfig.defaults().withScheme(Scheme.HLC));
  }

  /** A reply, its body read and released. */
  record Answer(int status, String contentType, String body, boolean noStore, String allow) {}

  Answer call(String method, String uri) {
    return call(method, uri, null, null, null);
  }

  /** As the handler calls it: a reply that says to wait for the clock is asked again after that. */
  Answer call(String method, String uri, String accept, String contentType, String body) {
    long start = System.nanoTime();
    Api.Reply r;
    while ((r = handle(method, uri, accept, contentType, body, start)).retryNanos() > 0) {
      LockSupport.parkNanos(r.retryNanos());
    }
    try {
      return new Answer(
          r.status().code(),
          r.contentType().toString(),
          r.body().toString(StandardCharsets.UTF_8),
          r.noStore(),
          r.allow());
    } finally {
      r.body().release();
    }
  }

  Api.Reply handle(
      String method, String uri, String accept, String contentType, String body, long start) {
    return api.handle(
        HttpMethod.valueOf(method),
        uri,
        accept,
        contentType,
        body,
        UnpooledByteBufAllocator.DEFAULT,
        Api.MAX_LEAD_WAIT_NANOS - (System.nanoTime() - start));
  }

  /** The {@code ids} array of a body: strings as they are, numbers as their text with a '#'. */
  static List<String> ids(String body) {
    List<String> ids = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT
          || !"ids".equals(p.nextFieldName())
          || p.nextToken() != JsonToken.START_ARRAY) {
        throw new AssertionError("not {\"ids\":[...]}: " + body);
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t == JsonToken.VALUE_STRING) {
          ids.add(p.getText());
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          ids.add("#" + p.getText());
        } else {
          throw new AssertionError("unexpected " + t + " in " + body);
        }
      }
      if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new AssertionError("trailing content: " + body);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(body, e);
    }
    return ids;
  }

  /** The string value of top-level {@code field} in a JSON object body, or null. */
  static String field(String body, String field) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new AssertionError("not an object: " + body);
      }
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        JsonToken t = p.nextToken();
        if (name.equals(field)) {
          return t == JsonToken.VALUE_NULL ? null : t.isScalarValue() ? p.getText() : "{...}";
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(body, e);
    }
  }
}
