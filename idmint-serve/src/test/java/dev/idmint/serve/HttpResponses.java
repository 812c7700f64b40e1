package dev.idmint.serve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Splits raw HTTP/1.1 response bytes into responses, strictly: a test's HTTP parser. */
final class HttpResponses {
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private HttpResponses() {}

  /**
   * Every response in {@code raw}, in order; each must have a Content-Length.
   *
   * @param head whether the requests were HEAD (no body follows the headers)
   */
  static List<Response> parse(byte[] raw, boolean head) {
    List<Response> out = new ArrayList<>();
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < text.length()) {
      int end = text.indexOf("\r\n\r\n", at);
      if (end < 0) {
        throw new AssertionError("truncated headers: " + text.substring(at));
      }
      String[] lines = text.substring(at, end).split("\r\n");
      if (!lines[0].matches("HTTP/1\\.1 [0-9]{3} .*")) {
        throw new AssertionError("bad status line: " + lines[0]);
      }
      int status = Integer.parseInt(lines[0].substring(9, 12));
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          throw new AssertionError("bad header line: " + lines[i]);
        }
        String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
        if (headers.put(name, lines[i].substring(colon + 1).trim()) != null) {
          throw new AssertionError("repeated header " + name);
        }
      }
      int length = status == 100 || head ? 0 : Integer.parseInt(headers.get("content-length"));
      int bodyAt = end + 4;
      if (bodyAt + length > text.length()) {
        throw new AssertionError("truncated body: " + text.substring(bodyAt));
      }
      byte[] body = new byte[length];
      System.arraycopy(raw, bodyAt, body, 0, length);
      out.add(new Response(status, headers, new String(body, StandardCharsets.UTF_8)));
      at = bodyAt + length;
    }
    return out;
  }
}
