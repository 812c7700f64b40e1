package dev.idmint.harness.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One blocking {@code GET} on a fresh connection: readiness polls, and HAProxy's first check. */
final class HttpGet {
  private HttpGet() {}

  /**
   * {@code GET path} from {@code at}, reading the whole response so the server is not cut off as it
   * writes.
   *
   * @return the status
   * @throws IOException if there is no HTTP answer within a second
   */
  static int status(InetSocketAddress at, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(at, 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + at.getPort()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = 0;
      while (true) {
        int r = in.read(buf, n, buf.length - n);
        try {
          HttpResponse resp = HttpResponse.parse(buf, n + Math.max(r, 0), r < 0);
          if (resp != null) {
            return resp.status();
          }
        } catch (HttpResponse.Malformed e) {
          throw new IOException("not an HTTP response: " + e.getMessage());
        }
        if (r < 0) {
          throw new IOException("the connection closed before a whole response");
        }
        n += r;
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, Math.min(buf.length * 2, 2 * HttpResponse.MAX_BODY));
        }
      }
    }
  }
}
