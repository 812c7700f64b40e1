package dev.idmint.harness.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpResponseTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static HttpResponse parse(String s, boolean eof) throws HttpResponse.Malformed {
    byte[] bytes = b(s);
    return HttpResponse.parse(bytes, bytes.length, eof);
  }

  private static String body(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void parse_contentLength_readsExactlyTheBody_andKeepsTheConnection() throws Exception {
    String ok = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"ids\":[\"1\"]}";
    HttpResponse r = parse(ok + "extra", false);
    assertEquals(200, r.status());
    assertEquals("{\"ids\":[\"1\"]}", body(r));
    assertEquals(ok.length(), r.length());
    assertFalse(r.close());
  }

  @Test
  void parse_partialHeadOrBody_needsMore() throws Exception {
    assertNull(parse("HTTP/1.1 200 OK\r\nContent-Len", false));
    assertNull(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", false));
  }

  @Test
  void parse_chunked_joinsTheChunks_andSkipsTrailers() throws Exception {
    HttpResponse r =
        parse(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"id\r\n"
                + "9\r\ns\":[\"7\"]}\r\n0\r\nX-Trailer: y\r\n\r\n",
            false);
    assertEquals("{\"ids\":[\"7\"]}", body(r));
    assertEquals("7", HttpResponse.singleId(r.body()));
    assertNull(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab", false));
  }

  @Test
  void parse_withoutLength_readsUntilTheServerCloses() throws Exception {
    String s = "HTTP/1.0 200 OK\r\n\r\n{\"ids\":[1]}";
    assertNull(parse(s, false));
    HttpResponse r = parse(s, true);
    assertEquals("{\"ids\":[1]}", body(r));
    assertTrue(r.close());
  }

  @Test
  void parse_connectionClose_http10_andTheBalancersHeader() throws Exception {
    assertTrue(
        parse("HTTP/1.1 503 No\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false).close());
    assertTrue(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false).close());
    assertFalse(
        parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false)
            .close());
    assertEquals("n2", parse("HTTP/1.1 204 x\r\nx-idmint-instance: n2\r\n\r\n", false).instance());
  }

  @Test
  void parse_informationalHead_isSkipped() throws Exception {
    HttpResponse r =
        parse(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
            false);
    assertEquals(201, r.status());
    assertEquals("ok", body(r));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "hello world\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"
      })
  void parse_notHttp_isMalformed(String s) {
    assertThrows(HttpResponse.Malformed.class, () -> parse(s, false));
  }

  @Test
  void singleId_takesAStringOrAnInteger_andIgnoresOtherKeys() throws Exception {
    assertEquals("n1-5", HttpResponse.singleId(b("{\"ids\":[\"n1-5\"],\"took\":3}")));
    assertEquals(42L, HttpResponse.singleId(b(" {\"x\":{\"ids\":1},\"ids\":[42]} ")));
    assertEquals(
        new BigInteger("18446744073709551615"),
        HttpResponse.singleId(b("{\"ids\":[18446744073709551615]}")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[\"1\"]|not a JSON object",
        "{\"id\":\"1\"}|without \"ids\"",
        "{\"ids\":\"1\"}|not an array",
        "{\"ids\":[]}|0 IDs",
        "{\"ids\":[\"1\",\"2\"]}|2 IDs",
        "{\"ids\":[1.5]}|a fraction",
        "{\"ids\":[null]}|null",
        "{\"ids\":[{}]}|an object",
        "{\"ids\":[\"\"]}|an empty string",
        "{\"ids\":[\"1\"]}{}|more after",
        "{\"ids\":[\"1\"],\"ids\":[\"2\"]}|twice",
        "ids: 1|not JSON"
      })
  void singleId_otherBodies_sayWhatIsWrong(String body, String expected) {
    String m =
        assertThrows(HttpResponse.Malformed.class, () -> HttpResponse.singleId(b(body)))
            .getMessage();
    assertTrue(m.contains(expected), m);
  }
}
