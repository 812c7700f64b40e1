package dev.idmint.serve;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.util.Date;

/** The {@code Date} header, formatted once a second rather than once a response. */
final class HttpDate {
  private record Stamp(long second, AsciiString value) {}

  private static volatile Stamp stamp = new Stamp(-1, AsciiString.EMPTY_STRING);

  private HttpDate() {}

  static AsciiString now() {
    long second = System.currentTimeMillis() / 1000;
    Stamp s = stamp;
    if (s.second != second) {
      s = new Stamp(second, AsciiString.cached(DateFormatter.format(new Date(second * 1000))));
      stamp = s;
    }
    return s.value;
  }
}
