package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MillisTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0 ms",
    "999, 999 ms",
    "1000, 1 s",
    "1500, 1.5 s",
    "10001, 10.001 s",
    "60000, 1 min",
    "3600000, 1 h",
    "3601000, 1 h 1 s",
    "5430250, 1 h 30 min 30.25 s",
    "90061001, 1 d 1 h 1 min 1.001 s",
  })
  void format_dropsZeroParts(long ms, String text) {
    assertEquals(text, Millis.format(ms));
  }
}
