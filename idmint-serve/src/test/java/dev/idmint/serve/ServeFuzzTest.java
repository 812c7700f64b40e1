package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Whatever arrives, the service answers with a documented status and a JSON body, never an internal
 * error, and a connection only ever carries well-formed HTTP responses. {@code mvn verify} replays
 * the inputs in ServeFuzzTestInputs; {@code mvn -Pfuzz -pl idmint-serve -am test} fuzzes.
 */
class ServeFuzzTest {
  private static final Set<Integer> DOCUMENTED =
      Set.of(100, 200, 400, 404, 405, 406, 408, 413, 414, 415, 417, 422, 431, 505);
  private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE"};
  private static final String[] PREFIXES = {"", "/v1/ids?", "/v1/ids/", "/v1/ids?count="};

  private final Fixture snowflake = Fixture.snowflake();
  private final Fixture[] schemes = {snowflake, Fixture.counter(), Fixture.hlc()};

  /**
   * The input's lines are a request target, an Accept header, a Content-Type and a body; its first
   * byte picks the method (bits 0 to 2, modulo 5), a path prefix (bits 3 and 4: so that the query
   * and ID parsers get most of the input) and the scheme (bits 5 to 7, modulo 3: snowflake,
   * counter, HLC).
   */
  @FuzzTest(maxDuration = "10s")
  void api_givenAnyRequest_answersWithADocumentedStatusAndJson(byte[] data) {
    if (data.length == 0) {
      return;
    }
    int pick = data[0] & 0xff;
    String[] parts = new String(data, 1, data.length - 1, StandardCharsets.UTF_8).split("\n", 4);
    String uri = PREFIXES[(pick >> 3) % PREFIXES.length] + parts[0];
    if (!uri.startsWith("/")) {
      uri = "/" + uri;
    }
    String accept = parts.length > 1 ? parts[1] : null;
    String contentType = parts.length > 2 ? parts[2] : null;
    String body = parts.length > 3 ? parts[3] : null;
    Fixture f = schemes[(pick >> 5) % schemes.length];
    Fixture.Answer a = f.call(METHODS[pick % METHODS.length], uri, accept, contentType, body);

    assertTrue(DOCUMENTED.contains(a.status()), a.status() + " for " + uri + ": " + a.body());
    if (a.status() != 200) {
      assertNotNull(Fixture.field(a.body(), "error"), a.body());
    } else if (uri.startsWith("/v1/ids?") || uri.equals("/v1/ids")) {
      if (a.contentType().startsWith("text/plain")) {
        assertTrue(a.body().endsWith("\n"), a.body());
        for (String line : a.body().split("\n")) { // a regex over thousands of lines overflows
          assertTrue(line.matches("[a-z0-9_-]+"), line);
        }
      } else {
        assertTrue(Fixture.ids(a.body()).size() >= 1, a.body());
      }
    }
    assertEquals(List.of(), f.log, "logged: " + f.log);
  }

  /** Any bytes on a connection: only whole, well-formed responses come back. */
  @FuzzTest(maxDuration = "10s")
  void connection_givenAnyBytes_answersOnlyWellFormedHttp(byte[] data) {
    EmbeddedChannel ch = HttpHandlerTest.channel(snowflake);
    try {
      byte[] out = HttpHandlerTest.exchange(ch, data);
      String text = new String(out, StandardCharsets.ISO_8859_1);
      boolean head = new String(data, StandardCharsets.ISO_8859_1).contains("HEAD");
      if (!head) { // after a HEAD the bodies cannot be told from the headers by length alone
        for (HttpResponses.Response r : HttpResponses.parse(out, false)) {
          assertTrue(DOCUMENTED.contains(r.status()), r.status() + ": " + text);
          if (r.status() != 100 && !r.header("content-type").startsWith("text/plain")) {
            assertTrue(r.body().startsWith("{"), text);
          }
        }
      } else {
        assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 "), text);
      }
      assertEquals(List.of(), snowflake.log, "logged: " + snowflake.log);
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
