package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34})
  void parse_roundTripsEveryIdItPrints(long seed) {
    Random rnd = new Random(seed);
    String alphabet = "abcnN0123456789-_.:/ é";
    for (int i = 0; i < 2000; i++) {
      Id id;
      if (rnd.nextBoolean()) {
        id = new SnowflakeId((rnd.nextLong() >>> 1) >>> rnd.nextInt(63));
      } else {
        StringBuilder node = new StringBuilder();
        int len = 1 + rnd.nextInt(12);
        for (int j = 0; j < len; j++) {
          node.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        id = new CounterId(node.toString(), (rnd.nextLong() >>> 1) >>> rnd.nextInt(63));
      }
      assertEquals(id, Id.parse(id.toString()), id::toString);
    }
  }

  @Test
  void snowflakeId_decodesItsFields() {
    long t = Instant.parse("2026-03-30T12:34:56.789Z").toEpochMilli() - SnowflakeId.EPOCH_MILLIS;
    SnowflakeId id = new SnowflakeId(t << 22 | 1023L << 12 | 4095);
    assertEquals(Instant.parse("2026-03-30T12:34:56.789Z"), id.timestamp());
    assertEquals(1023, id.worker());
    assertEquals(4095, id.sequence());
    assertEquals(Scheme.SNOWFLAKE, id.scheme());
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), new SnowflakeId(0).timestamp());
    assertEquals(
        Instant.parse("2093-09-06T15:47:35.551Z"), new SnowflakeId(Long.MAX_VALUE).timestamp());
  }

  @Test
  void values_rejectWhatNoGeneratorIssues() {
    assertThrows(IllegalArgumentException.class, () -> new SnowflakeId(-1));
    assertThrows(IllegalArgumentException.class, () -> new CounterId("", 1));
    assertThrows(IllegalArgumentException.class, () -> new CounterId(null, 1));
    assertThrows(IllegalArgumentException.class, () -> new CounterId("n1", -1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty ID",
        "-5|negative numbers are never IDs",
        "-|the node before '-' is empty",
        "-x1|the node before '-' is empty",
        "abc|expected a snowflake number or <node>-<n>",
        "n1-|no number after the last '-'",
        "n1-x|'x' after the last '-' is not a number",
        "n1-+5|'+5' after the last '-' is not a number",
        "n1-007|leading zeros",
        "007|leading zeros",
        "+5|expected a snowflake number",
        "' 5'|expected a snowflake number",
        "9223372036854775808|larger than 9223372036854775807",
        "n1-99999999999999999999|larger than 9223372036854775807",
        "1.5|expected a snowflake number",
        "n1-1e3|'1e3' after the last '-' is not a number",
      })
  void parse_badInput_failsWithAClearMessage(String text, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Id.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void parse_null_failsWithAClearMessage() {
    assertEquals(
        "empty ID",
        assertThrows(IllegalArgumentException.class, () -> Id.parse(null)).getMessage());
  }

  @Test
  void parse_edges() {
    assertEquals(new SnowflakeId(0), Id.parse("0"));
    assertEquals(new SnowflakeId(Long.MAX_VALUE), Id.parse("9223372036854775807"));
    assertEquals(new CounterId("n1", 0), Id.parse("n1-0"));
    assertEquals(new CounterId("5", 3), Id.parse("5-3"));
    assertEquals(new CounterId("n1-", 5), Id.parse("n1--5"));
  }
}
