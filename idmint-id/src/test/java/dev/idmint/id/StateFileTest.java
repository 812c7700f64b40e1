package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateFileTest {
  @ParameterizedTest
  @CsvSource({
    "n1, n1",
    "node_7-a.b, node_7-a.b",
    "../x, %2E.%2Fx",
    "., %2E",
    "a/b, a%2Fb",
    "'a b', a%20b",
    "50%, 50%25",
    "é, %C3%A9",
    "C:\\x, C%3A%5Cx",
  })
  void escape_keepsNamesInsideTheDirAndReadable(String node, String name) {
    assertEquals(name, StateFile.escape(node));
  }

  @Test
  void escape_isInjective() {
    Random rnd = new Random(4);
    String alphabet = "aA0._-%/ \\é";
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 1 + rnd.nextInt(6); j > 0; j--) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String node = sb.toString();
      String prior = seen.putIfAbsent(StateFile.escape(node), node);
      if (prior != null) {
        assertEquals(prior, node, "two nodes share a file name");
      }
    }
  }

  @Test
  void format_thenParse_roundTrips() {
    StateFile counter = new StateFile(Path.of("/tmp/none"), "a b", -1, Scheme.COUNTER);
    assertEquals(123_456_789L, counter.parse(counter.format(123_456_789L)));
    StateFile snowflake = new StateFile(Path.of("/tmp/none"), "n1", 1, Scheme.SNOWFLAKE);
    long lease = 1_764_000_000_123L;
    assertEquals(lease, snowflake.parse(snowflake.format(lease)));
    assertNotEquals(counter.format(1), counter.format(2));
  }

  @Test
  void crc_isAlwaysEightHexDigits_zeroPadded() {
    StateFile counter = new StateFile(Path.of("/tmp/none"), "n1", -1, Scheme.COUNTER);
    int padded = 0;
    for (long v = 0; v < 5000; v++) {
      String line = counter.format(v);
      String body = line.substring(0, line.indexOf(" crc32="));
      CRC32 crc = new CRC32();
      crc.update(body.getBytes(StandardCharsets.UTF_8));
      String expected = String.format("%08x", crc.getValue());
      assertEquals(body + " crc32=" + expected + "\n", line);
      padded += expected.startsWith("0") ? 1 : 0;
      assertEquals(v, counter.parse(line));
    }
    assertTrue(padded > 100, "leading zeros exercised: " + padded);
  }
}
