package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    for (int i = 0; i < 3000; i++) {
      StringBuilder node = new StringBuilder();
      int len = 1 + rnd.nextInt(12);
      for (int j = 0; j < len; j++) {
        node.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      Id id =
          switch (rnd.nextInt(3)) {
            case 0 -> new SnowflakeId((rnd.nextLong() >>> 1) >>> rnd.nextInt(63));
            case 1 ->
                new HlcId(
                    (rnd.nextLong() >>> 20) >>> rnd.nextInt(44),
                    rnd.nextInt(1 << 18) >>> rnd.nextInt(19),
                    node.toString());
            default -> new CounterId(node.toString(), (rnd.nextLong() >>> 1) >>> rnd.nextInt(63));
          };
      if (id instanceof CounterId && readsAsHlc(id.toString())) {
        // Reads both ways: documented as HLC, and HlcId.parse is the way to say which.
        assertEquals(HlcId.parse(id.toString()), Id.parse(id.toString()), id::toString);
        continue;
      }
      assertEquals(id, Id.parse(id.toString()), id::toString);
      if (id instanceof HlcId) {
        assertEquals(id, HlcId.parse(id.toString()), id::toString);
      }
    }
  }

  private static boolean readsAsHlc(String text) {
    try {
      HlcId.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void hlcId_decodesItsFields_andPacksIntoOneOrderedLong() {
    HlcId id = (HlcId) Id.parse("1704067200001_3_n2");
    assertEquals(new HlcId(1_704_067_200_001L, 3, "n2"), id);
    assertEquals(Instant.parse("2024-01-01T00:00:00.001Z"), id.timestamp());
    assertEquals(Scheme.HLC, id.scheme());
    assertEquals(1_704_067_200_001L << 18 | 3, id.packed());
    assertEquals(id, HlcId.unpack(id.packed(), "n2"));
    assertEquals(new HlcId(5, 1, "n_1-x"), Id.parse("5_1_n_1-x"));
    assertEquals(
        Instant.parse("2527-06-23T06:20:44.415Z"), new HlcId(HlcId.MAX_PT, 0, "a").timestamp());
    assertTrue(HlcId.pack(HlcId.MAX_PT, HlcId.MAX_LC) > 0);
  }

  @Test
  void idsOfEachScheme_areOrderedAsDocumented() {
    assertTrue(new SnowflakeId(5).compareTo(new SnowflakeId(6)) < 0);
    assertTrue(new HlcId(10, 9, "z").compareTo(new HlcId(10, 10, "a")) < 0, "lc before node");
    assertTrue(new HlcId(10, 0, "a").compareTo(new HlcId(10, 0, "b")) < 0, "then node");
    assertTrue(new HlcId(9, 99, "z").compareTo(new HlcId(10, 0, "a")) < 0, "pt first");
    assertTrue(new CounterId("n2", 9).compareTo(new CounterId("n1", 10)) < 0, "Lamport: n first");
    assertTrue(new CounterId("n1", 9).compareTo(new CounterId("n2", 9)) < 0, "then node");
    ClassCastException e =
        assertThrows(
            ClassCastException.class, () -> new HlcId(1, 0, "n1").compareTo(new SnowflakeId(1)));
    assertEquals(
        "cannot compare the hlc ID 1_0_n1 with the snowflake ID 1: IDs of different schemes do not"
            + " compare",
        e.getMessage());
    assertThrows(NullPointerException.class, () -> new SnowflakeId(1).compareTo(null));
    List<Id> sorted =
        new ArrayList<>(List.of(Id.parse("n1-10"), Id.parse("n2-9"), Id.parse("n1-9")));
    java.util.Collections.sort(sorted);
    assertEquals(List.of(Id.parse("n1-9"), Id.parse("n2-9"), Id.parse("n1-10")), sorted);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1_2|expected <pt>_<lc>_<node>",
        "_1_n1|pt is empty",
        "1__n1|lc is empty",
        "1_2_|no node after the second '_'",
        "x_2_n1|pt 'x' is not a number",
        "1_-2_n1|lc '-2' is not a number",
        "01_2_n1|pt '01' has leading zeros",
        "1_02_n1|lc '02' has leading zeros",
        "17592186044416_0_n1|pt 17592186044416 is larger than 17592186044415"
            + " (2527-06-23T06:20:44.415Z)",
        "1_262144_n1|lc 262144 is larger than 262143",
        "1_99999999999999999999_n1|lc 99999999999999999999 is larger than 262143",
      })
  void hlcParse_badInput_failsWithAClearMessage(String text, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HlcId.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertTrue(e.getMessage().startsWith("'" + text + "' is not an HLC ID: "), e.getMessage());
  }

  @Test
  void parse_textThatLooksLikeHlcButIsNot_saysWhyAsHlc_unlessItIsACounterId() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Id.parse("1_2_"));
    assertTrue(e.getMessage().contains("is not an HLC ID: no node"), e.getMessage());
    assertEquals(new CounterId("1_x", 5), Id.parse("1_x-5"));
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
    assertThrows(IllegalArgumentException.class, () -> new HlcId(-1, 0, "n1"));
    assertThrows(IllegalArgumentException.class, () -> new HlcId(HlcId.MAX_PT + 1, 0, "n1"));
    assertThrows(IllegalArgumentException.class, () -> new HlcId(0, HlcId.MAX_LC + 1, "n1"));
    assertThrows(IllegalArgumentException.class, () -> new HlcId(0, 0, ""));
    assertThrows(IllegalArgumentException.class, () -> HlcId.pack(0, -1));
    assertThrows(IllegalArgumentException.class, () -> HlcId.unpack(-1, "n1"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty ID",
        "-5|negative numbers are never IDs",
        "-|the node before '-' is empty",
        "-x1|the node before '-' is empty",
        "abc|expected a snowflake number, <pt>_<lc>_<node> or <node>-<n>",
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
