package dev.idmint.node;

import static dev.idmint.node.TestJson.body;
import static dev.idmint.node.TestJson.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Identifier track's messages, in every scheme, in-process. */
class TrackMessagesTest {
  static final long EPOCH = SnowflakeId.EPOCH_MILLIS;

  /** What a node printed: stdout lines (init_ok first) and stderr. */
  record Output(List<String> lines, String log) {
    Map<String, Object> body(int k) {
      return TestJson.body(lines.get(k));
    }
  }

  static String request(String body) {
    return "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":" + body + "}\n";
  }

  /** Runs a node of {@code scheme}: init, then one request per body. */
  static Output run(Scheme scheme, String... bodies) {
    StringBuilder in = new StringBuilder(NodeTest.INIT);
    int msgId = 2;
    for (String b : bodies) {
      in.append(request(b.replace("MSG", Integer.toString(msgId++))));
    }
    return runRaw(scheme, in.toString());
  }

  static Output runRaw(Scheme scheme, String input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    NodeConfig config =
        NodeConfig.defaults().with(new NodeConfig.Overrides(scheme, null, null, null));
    int code =
        new Node(
                config,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                out,
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();
    assertEquals(0, code);
    return new Output(
        out.toString(StandardCharsets.UTF_8).lines().toList(),
        err.toString(StandardCharsets.UTF_8));
  }

  static Id id(Object json) {
    return Id.parse(json.toString());
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void generateBatch_givesCountUniqueIncreasingIdsAboveEarlierOnes_andTheMaxSequence(
      Scheme scheme) {
    Output o =
        run(
            scheme,
            "{\"type\":\"generate\",\"msg_id\":MSG}",
            "{\"type\":\"generate_batch\",\"msg_id\":MSG,\"count\":5000}",
            "{\"type\":\"generate_batch\",\"msg_id\":MSG,\"count\":1}",
            "{\"type\":\"generate\",\"msg_id\":MSG}");
    assertEquals(5, o.lines().size());
    Id single = id(o.body(1).get("id"));
    Map<String, Object> b = o.body(2);
    assertEquals("generate_batch_ok", b.get("type"));
    assertEquals(List.of("type", "in_reply_to", "msg_id", "ids", "max_sequence"), keys(b));
    List<?> ids = (List<?>) b.get("ids");
    assertEquals(5000, ids.size());
    List<Id> all = new ArrayList<>();
    all.add(single);
    long maxSequence = 0;
    for (Object json : ids) {
      Class<?> type = scheme == Scheme.SNOWFLAKE ? BigInteger.class : String.class;
      assertTrue(type.isInstance(json), json + " is not a " + type);
      Id id = id(json);
      all.add(id);
      maxSequence = Math.max(maxSequence, sequence(id));
    }
    assertEquals(maxSequence, integer(b, "max_sequence"));
    all.add(id(((List<?>) o.body(3).get("ids")).get(0)));
    all.add(id(o.body(4).get("id")));
    for (int k = 1; k < all.size(); k++) {
      assertTrue(compare(all.get(k - 1), all.get(k)) < 0, all.get(k - 1) + " then " + all.get(k));
    }
    assertEquals(all.size(), new HashSet<>(all).size());
  }

  static long sequence(Id id) {
    if (id instanceof SnowflakeId s) {
      return s.sequence();
    }
    if (id instanceof HlcId h) {
      return h.lc();
    }
    return ((dev.idmint.id.CounterId) id).n();
  }

  static int compare(Id a, Id b) {
    return a.compareTo(b);
  }

  static List<String> keys(Map<String, Object> m) {
    return new ArrayList<>(m.keySet());
  }

  @Test
  void generateBatch_ofTheLargestCount_isOneLine() {
    Output o =
        run(Scheme.SNOWFLAKE, "{\"type\":\"generate_batch\",\"msg_id\":MSG,\"count\":100000}");
    List<?> ids = (List<?>) o.body(1).get("ids");
    assertEquals(100_000, ids.size());
    assertEquals(100_000, new HashSet<>(ids).size());
    assertEquals(4095, integer(o.body(1), "max_sequence"));
  }

  @Test
  void manyLargeBatches_leaveAsTheyAreMade_notHeldUntilTheInputRunsOut() {
    StringBuilder in = new StringBuilder(NodeTest.INIT);
    for (int k = 0; k < 2000; k++) {
      in.append(request("{\"type\":\"generate_batch\",\"msg_id\":" + (k + 2) + ",\"count\":1000}"));
    }
    int[] largest = new int[1];
    long[] total = new long[1];
    java.io.OutputStream sink =
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            total[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            largest[0] = Math.max(largest[0], len);
            total[0] += len;
          }
        };
    NodeConfig config =
        NodeConfig.defaults().with(new NodeConfig.Overrides(Scheme.HLC, null, null, null));
    new Node(
            config,
            new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)),
            sink,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run();
    assertTrue(total[0] > 40_000_000, "wrote " + total[0]);
    assertTrue(largest[0] < 200_000, "one write of " + largest[0] + " bytes");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "100001",
        "-1",
        "1.5",
        "\"5\"",
        "null",
        "[5]",
        "18446744073709551616",
        "99999999999999999999999999999"
      })
  void generateBatch_badCount_isMalformedWithTheRange_andTheNodeKeepsServing(String count) {
    Output o =
        run(
            Scheme.SNOWFLAKE,
            "{\"type\":\"generate_batch\",\"msg_id\":MSG,\"count\":" + count + "}",
            "{\"type\":\"generate_batch\",\"msg_id\":MSG}",
            "{\"type\":\"generate\",\"msg_id\":MSG}");
    for (int k = 1; k <= 2; k++) {
      Map<String, Object> b = o.body(k);
      assertEquals("error", b.get("type"));
      assertEquals(12L, integer(b, "code"));
      assertTrue(
          b.get("text")
              .toString()
              .startsWith("generate_batch needs \"count\", an integer from 1" + " to 100000"),
          b.toString());
    }
    assertEquals("generate_ok", o.body(3).get("type"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "generate_batch\",\"count\":3",
        "hlc_tick\"",
        "hlc_receive\",\"remote_pt\":1,\"remote_lc\":0",
        "compare_ids\""
      })
  void issuingMessages_beforeInit_areTemporarilyUnavailable(String type) {
    Output o = runRaw(Scheme.COUNTER, request("{\"type\":\"" + type + ",\"msg_id\":4}"));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"in_reply_to\":4,"
            + "\"msg_id\":0,\"code\":11,\"text\":\"not initialised: send init first\"}}",
        o.lines().get(0));
  }

  @Test
  void pureMessages_workBeforeInit_answeringAsTheDestination() {
    Output o =
        runRaw(
            Scheme.COUNTER,
            request("{\"type\":\"decompose\",\"msg_id\":1,\"id\":4198498303}")
                + request("{\"type\":\"verify_ids\",\"msg_id\":2,\"ids\":[1]}")
                + request("{\"type\":\"hlc_get\",\"msg_id\":3}")
                + request("{\"type\":\"parse_hlc_id\",\"msg_id\":4,\"id\":\"1_2_n3\"}")
                + request("{\"type\":\"time_info\",\"msg_id\":5}")
                + request("{\"type\":\"simulate_backward\",\"msg_id\":6,\"offset_ms\":-1}"));
    List<String> types = new ArrayList<>();
    for (String line : o.lines()) {
      assertEquals("n1", TestJson.object(line).get("src"));
      types.add(TestJson.body(line).get("type").toString());
    }
    assertEquals(
        List.of(
            "decompose_ok",
            "verify_ids_ok",
            "hlc_get_ok",
            "parse_hlc_id_ok",
            "time_info_ok",
            "simulate_backward_ok"),
        types);
  }

  @Test
  void decompose_givesTheFieldsOfAGeneratedSnowflake() {
    Output o = run(Scheme.SNOWFLAKE, "{\"type\":\"generate\",\"msg_id\":MSG}");
    long id = integer(o.body(1), "id");
    Output d = run(Scheme.COUNTER, "{\"type\":\"decompose\",\"msg_id\":MSG,\"id\":" + id + "}");
    Map<String, Object> b = d.body(1);
    assertEquals(
        List.of("type", "in_reply_to", "msg_id", "timestamp_ms", "machine_id", "sequence"),
        keys(b));
    SnowflakeId s = new SnowflakeId(id);
    assertEquals(s.timestamp().toEpochMilli(), integer(b, "timestamp_ms"));
    assertEquals(1, integer(b, "machine_id"));
    assertEquals(0, integer(b, "sequence"));
    long now = System.currentTimeMillis();
    assertTrue(Math.abs(integer(b, "timestamp_ms") - now) < 60_000, b.toString());
  }

  @Test
  void decompose_ofTheLayoutsEdges() {
    Output o =
        run(
            Scheme.COUNTER,
            "{\"type\":\"decompose\",\"msg_id\":MSG,\"id\":0}",
            "{\"type\":\"decompose\",\"msg_id\":MSG,\"id\":9223372036854775807}",
            "{\"type\":\"decompose\",\"msg_id\":MSG,\"id\":4198498303}");
    assertEquals(List.of(EPOCH, 0L, 0L), fields(o.body(1)));
    assertEquals(List.of(EPOCH + SnowflakeId.MAX_TIME, 1023L, 4095L), fields(o.body(2)));
    assertEquals(List.of(EPOCH + 1000, 1023L, 4095L), fields(o.body(3)));
  }

  static List<Long> fields(Map<String, Object> b) {
    return List.of(integer(b, "timestamp_ms"), integer(b, "machine_id"), integer(b, "sequence"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"-1", "1.5", "\"123\"", "\"n1-3\"", "null", "9223372036854775808", "[1]", "{}"})
  void decompose_ofWhatIsNotASnowflakeInteger_isMalformed(String id) {
    Output o =
        run(
            Scheme.SNOWFLAKE,
            "{\"type\":\"decompose\",\"msg_id\":MSG,\"id\":" + id + "}",
            "{\"type\":\"decompose\",\"msg_id\":MSG}");
    for (int k = 1; k <= 2; k++) {
      assertEquals(12L, integer(o.body(k), "code"));
      assertTrue(
          o.body(k).get("text").toString().startsWith("decompose needs \"id\", a snowflake ID"),
          o.body(k).toString());
    }
  }

  @Test
  void timeInfo_givesTheLayoutAndTheCurrentTime() {
    long before = System.currentTimeMillis() - EPOCH;
    Map<String, Object> b = run(Scheme.COUNTER, "{\"type\":\"time_info\",\"msg_id\":MSG}").body(1);
    long after = System.currentTimeMillis() - EPOCH;
    assertEquals(
        List.of(
            "type",
            "in_reply_to",
            "msg_id",
            "current_ms",
            "custom_epoch_ms",
            "max_timestamp_ms",
            "years_remaining"),
        keys(b));
    assertEquals(1_704_067_200_000L, integer(b, "custom_epoch_ms"));
    assertEquals(2_199_023_255_551L, integer(b, "max_timestamp_ms"));
    long current = integer(b, "current_ms");
    assertTrue(before <= current && current <= after, b.toString());
    assertEquals((2_199_023_255_551L - current) / 31_557_600_000L, integer(b, "years_remaining"));
  }

  @Test
  void timeInfo_inASnowflakeNodeAfterTheClockWentBack_givesTheTimeIdsGetNow() {
    Output o =
        run(
            Scheme.SNOWFLAKE,
            "{\"type\":\"generate\",\"msg_id\":MSG}",
            "{\"type\":\"simulate_backward\",\"msg_id\":MSG,\"offset_ms\":-600000}",
            "{\"type\":\"time_info\",\"msg_id\":MSG}",
            "{\"type\":\"generate\",\"msg_id\":MSG}");
    long before = new SnowflakeId(integer(o.body(1), "id")).timestamp().toEpochMilli() - EPOCH;
    long current = integer(o.body(3), "current_ms");
    long after = new SnowflakeId(integer(o.body(4), "id")).timestamp().toEpochMilli() - EPOCH;
    assertTrue(before <= current && current <= after, before + " " + current + " " + after);
    assertTrue(integer(o.body(4), "id") > integer(o.body(1), "id"));
  }

  @Test
  void verifyIds_answersThePagesExamples() {
    Output o =
        run(
            Scheme.SNOWFLAKE,
            "{\"type\":\"verify_ids\",\"msg_id\":MSG,\"ids\":[100,200,300,200]}",
            "{\"type\":\"verify_ids\",\"msg_id\":MSG,\"ids\":[10,20,30]}",
            "{\"type\":\"verify_ids\",\"msg_id\":MSG,\"ids\":[]}");
    assertEquals(
        TestJson.parse(
            "{\"type\":\"verify_ids_ok\",\"in_reply_to\":2,\"msg_id\":1,\"count\":4,\"unique\":3,"
                + "\"is_sorted\":false,\"duplicates\":[200]}"),
        o.body(1));
    assertEquals(
        TestJson.parse(
            "{\"type\":\"verify_ids_ok\",\"in_reply_to\":3,\"msg_id\":2,\"count\":3,\"unique\":3,"
                + "\"is_sorted\":true,\"duplicates\":[]}"),
        o.body(2));
    assertEquals(
        List.of(0L, 0L), List.of(integer(o.body(3), "count"), integer(o.body(3), "unique")));
    assertEquals(Boolean.TRUE, o.body(3).get("is_sorted"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[20,10,10,20,30,30,30]|7|3|false|[20,10,30]",
        "[1,1.0,1e0,\"1\",\"1\"]|5|2|true|[1,\"1\"]",
        "[\"n1-9\",\"n1-10\",\"n1-10\"]|3|2|true|[\"n1-10\"]",
        "[\"5_9_n1\",\"5_10_n1\",\"6_0_n1\"]|3|3|true|[]",
        "[\"9\",\"10\"]|2|2|true|[]",
        "[\"b\",\"a\"]|2|2|false|[]",
        "[3,\"a\",2]|3|3|false|[]",
        "[123456789012345678901234567890,123456789012345678901234567890]|2|1|true"
            + "|[123456789012345678901234567890]",
        "[\"\\u00e9\",\"\\u00e9\"]|2|1|true|[\"\\u00e9\"]"
      })
  void verifyIds_numbersAndStrings(
      String ids, long count, long unique, boolean sorted, String dup) {
    Map<String, Object> b =
        run(Scheme.COUNTER, "{\"type\":\"verify_ids\",\"msg_id\":MSG,\"ids\":" + ids + "}").body(1);
    assertEquals(count, integer(b, "count"), b.toString());
    assertEquals(unique, integer(b, "unique"), b.toString());
    assertEquals(sorted, b.get("is_sorted"), b.toString());
    assertEquals(TestJson.parse(dup), b.get("duplicates"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ",\"x\":1|verify_ids needs \"ids\", an array of IDs (numbers or strings)",
        ",\"ids\":5|verify_ids needs \"ids\", an array of IDs (numbers or strings)",
        ",\"ids\":\"1,2\"|verify_ids needs \"ids\", an array of IDs (numbers or strings)",
        ",\"ids\":[1,null]|verify_ids: ids[1] is not an ID: IDs are numbers or strings",
        ",\"ids\":[[1]]|verify_ids: ids[0] is not an ID: IDs are numbers or strings",
        ",\"ids\":[1,2,{\"a\":1}]|verify_ids: ids[2] is not an ID: IDs are numbers or strings",
        ",\"ids\":[1e99999999999]|verify_ids: ids[0] is a number beyond what this node compares"
      })
  void verifyIds_withoutAnArrayOfIds_isMalformed(String field, String text) {
    Output o = run(Scheme.COUNTER, "{\"type\":\"verify_ids\",\"msg_id\":MSG" + field + "}");
    Map<String, Object> b = o.body(1);
    assertEquals(12L, integer(b, "code"), b.toString());
    assertTrue(b.get("text").toString().startsWith(text), b.toString());
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void hlc_tickGetReceive_followThePagesInEveryScheme(Scheme scheme) {
    long before = System.currentTimeMillis();
    Output o =
        run(
            scheme,
            "{\"type\":\"hlc_get\",\"msg_id\":MSG}",
            "{\"type\":\"hlc_tick\",\"msg_id\":MSG}",
            "{\"type\":\"hlc_get\",\"msg_id\":MSG}",
            "{\"type\":\"hlc_receive\",\"msg_id\":MSG,\"remote_pt\":0,\"remote_lc\":0}",
            "{\"type\":\"hlc_receive\",\"msg_id\":MSG,\"remote_pt\":9999999999999,"
                + "\"remote_lc\":5}",
            "{\"type\":\"hlc_tick\",\"msg_id\":MSG}",
            "{\"type\":\"hlc_get\",\"msg_id\":MSG}");
    assertEquals(List.of(0L, 0L), hlc(o.body(1)));
    assertEquals(List.of("type", "in_reply_to", "msg_id", "pt", "lc"), keys(o.body(2)));
    List<Long> tick = hlc(o.body(2));
    assertTrue(tick.get(0) >= before && tick.get(1) == 0, tick.toString());
    assertEquals(tick, hlc(o.body(3)));
    List<Long> received = hlc(o.body(4));
    if (received.get(0).equals(tick.get(0))) {
      assertEquals(tick.get(1) + 1, received.get(1));
    } else {
      assertTrue(received.get(0) > tick.get(0) && received.get(1) == 0, received.toString());
    }
    assertEquals(List.of(9_999_999_999_999L, 6L), hlc(o.body(5)));
    assertEquals(List.of(9_999_999_999_999L, 7L), hlc(o.body(6)));
    assertEquals(List.of(9_999_999_999_999L, 7L), hlc(o.body(7)));
    assertEquals(
        1,
        o.log().lines().filter(l -> l.contains("past the 10 s bound")).count(),
        "the lead is logged once: " + o.log());
  }

  static List<Long> hlc(Map<String, Object> b) {
    return List.of(integer(b, "pt"), integer(b, "lc"));
  }

  @Test
  void hlcScheme_generateAndTheHlcMessagesShareOneClock() {
    Output o =
        run(
            Scheme.HLC,
            "{\"type\":\"generate\",\"msg_id\":MSG}",
            "{\"type\":\"hlc_get\",\"msg_id\":MSG}",
            "{\"type\":\"hlc_receive\",\"msg_id\":MSG,\"remote_pt\":9999999999999,"
                + "\"remote_lc\":5}",
            "{\"type\":\"generate\",\"msg_id\":MSG}",
            "{\"type\":\"generate_batch\",\"msg_id\":MSG,\"count\":3}",
            "{\"type\":\"hlc_get\",\"msg_id\":MSG}");
    HlcId first = (HlcId) id(o.body(1).get("id"));
    assertEquals("n1", first.node());
    assertEquals(List.of(first.pt(), first.lc()), hlc(o.body(2)));
    assertEquals(new HlcId(9_999_999_999_999L, 7, "n1"), id(o.body(4).get("id")));
    assertEquals(
        List.of("9999999999999_8_n1", "9999999999999_9_n1", "9999999999999_10_n1"),
        o.body(5).get("ids"));
    assertEquals(10L, integer(o.body(5), "max_sequence"));
    assertEquals(List.of(9_999_999_999_999L, 10L), hlc(o.body(6)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"remote_lc\":0|hlc_receive needs \"remote_pt\", an integer from 0 to 17592186044415 (ms)",
        "\"remote_pt\":-1,\"remote_lc\":0|hlc_receive needs \"remote_pt\", an integer from 0 to"
            + " 17592186044415 (ms); got -1",
        "\"remote_pt\":17592186044416,\"remote_lc\":0|hlc_receive needs \"remote_pt\"",
        "\"remote_pt\":\"5\",\"remote_lc\":0|hlc_receive needs \"remote_pt\"",
        "\"remote_pt\":5|hlc_receive needs \"remote_lc\", an integer from 0 to 262143",
        "\"remote_pt\":5,\"remote_lc\":262144|hlc_receive needs \"remote_lc\", an integer from 0 to"
            + " 262143; got 262144",
        "\"remote_pt\":5,\"remote_lc\":1.0|hlc_receive needs \"remote_lc\""
      })
  void hlcReceive_outOfRange_isMalformedAndChangesNothing(String fields, String text) {
    Output o =
        run(
            Scheme.COUNTER,
            "{\"type\":\"hlc_receive\",\"msg_id\":MSG," + fields + "}",
            "{\"type\":\"hlc_get\",\"msg_id\":MSG}");
    assertEquals(12L, integer(o.body(1), "code"));
    assertTrue(o.body(1).get("text").toString().startsWith(text), o.body(1).toString());
    assertEquals(List.of(0L, 0L), hlc(o.body(2)));
  }

  @Test
  void hlcReceive_atTheEndOfTheHlcRange_exhaustsTheClock_withATemporaryError() {
    Output o =
        run(
            Scheme.COUNTER,
            "{\"type\":\"hlc_receive\",\"msg_id\":MSG,\"remote_pt\":17592186044415,"
                + "\"remote_lc\":262143}",
            "{\"type\":\"generate\",\"msg_id\":MSG}");
    assertEquals(11L, integer(o.body(1), "code"));
    assertTrue(o.body(1).get("text").toString().contains("hlc IDs exhausted"), o.lines().get(1));
    assertEquals("n1-0", o.body(2).get("id"), "the node's own scheme is untouched");
  }

  @Test
  void simulateBackward_thenTick_keepsPtAndGrowsLc_andReportsTheDrift() {
    long start = System.currentTimeMillis();
    Output o =
        run(
            Scheme.COUNTER,
            "{\"type\":\"hlc_tick\",\"msg_id\":MSG}",
            "{\"type\":\"simulate_backward\",\"msg_id\":MSG,\"offset_ms\":-10000}",
            "{\"type\":\"hlc_tick\",\"msg_id\":MSG}",
            "{\"type\":\"simulate_backward\",\"msg_id\":MSG,\"offset_ms\":10000}",
            "{\"type\":\"hlc_tick\",\"msg_id\":MSG}");
    List<Long> first = hlc(o.body(1));
    assertEquals(
        TestJson.parse("{\"type\":\"simulate_backward_ok\",\"in_reply_to\":3,\"msg_id\":2}"),
        o.body(2));
    Map<String, Object> second = o.body(3);
    assertEquals(List.of("type", "in_reply_to", "msg_id", "pt", "lc", "drift_ms"), keys(second));
    assertEquals(List.of(first.get(0), first.get(1) + 1), hlc(second));
    long elapsed = System.currentTimeMillis() - start; // however slow the machine is
    long drift = integer(second, "drift_ms");
    assertTrue(drift >= 10_000 - elapsed && drift <= 10_000, second + " after " + elapsed + " ms");
    long driftAfterUndo = integer(o.body(5), "drift_ms");
    assertTrue(driftAfterUndo >= 0 && driftAfterUndo <= elapsed, o.body(5).toString());
    assertTrue(o.log().contains("the clock now reads 10000 ms behind the real one"), o.log());
  }

  /** The shifted clock is every scheme's: none repeats or goes back. */
  @ParameterizedTest
  @EnumSource(Scheme.class)
  void simulateBackward_noSchemeRepeatsOrGoesBack(Scheme scheme) {
    List<String> bodies = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      bodies.add("{\"type\":\"generate\",\"msg_id\":MSG}");
      bodies.add("{\"type\":\"generate_batch\",\"msg_id\":MSG,\"count\":100}");
      if (k % 10 == 0) {
        bodies.add("{\"type\":\"simulate_backward\",\"msg_id\":MSG,\"offset_ms\":-3600000}");
      }
    }
    Output o = run(scheme, bodies.toArray(new String[0]));
    Id prev = null;
    Set<Id> seen = new HashSet<>();
    for (int k = 1; k < o.lines().size(); k++) {
      Map<String, Object> b = o.body(k);
      List<?> ids =
          b.containsKey("ids")
              ? (List<?>) b.get("ids")
              : b.containsKey("id") ? List.of(b.get("id")) : List.of();
      for (Object json : ids) {
        Id id = id(json);
        assertTrue(seen.add(id), "repeated " + id);
        if (prev != null) {
          assertTrue(compare(prev, id) < 0, prev + " then " + id);
        }
        prev = id;
      }
    }
    assertEquals(5050, seen.size());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1|simulate_backward: offset_ms 1 would shift the clock to 1 ms",
        "-3155760000001|simulate_backward: offset_ms -3155760000001 would shift the clock",
        "-9223372036854775807|simulate_backward: offset_ms -9223372036854775807 would",
        "1.5|simulate_backward needs \"offset_ms\", an integer number of ms",
        "\"-5\"|simulate_backward needs \"offset_ms\"",
        "-9223372036854775809|simulate_backward needs \"offset_ms\", an integer number of ms; got"
      })
  void simulateBackward_outOfRange_isMalformedAndShiftsNothing(String offset, String text) {
    Output o =
        run(
            Scheme.COUNTER,
            "{\"type\":\"simulate_backward\",\"msg_id\":MSG,\"offset_ms\":" + offset + "}",
            "{\"type\":\"hlc_tick\",\"msg_id\":MSG}");
    assertEquals(12L, integer(o.body(1), "code"));
    assertTrue(o.body(1).get("text").toString().startsWith(text), o.body(1).toString());
    assertTrue(!o.body(2).containsKey("drift_ms"), "nothing was shifted");
    long pt = integer(o.body(2), "pt");
    assertTrue(Math.abs(pt - System.currentTimeMillis()) < 60_000);
  }

  @Test
  void simulateBackward_downTo100Years_isAllowed_thenHlcIgnoresTheClockBefore1970() {
    Output o =
        run(
            Scheme.HLC,
            "{\"type\":\"generate\",\"msg_id\":MSG}",
            "{\"type\":\"simulate_backward\",\"msg_id\":MSG,\"offset_ms\":-3155760000000}",
            "{\"type\":\"generate\",\"msg_id\":MSG}");
    assertEquals("simulate_backward_ok", o.body(2).get("type"));
    HlcId a = (HlcId) id(o.body(1).get("id"));
    HlcId b = (HlcId) id(o.body(3).get("id"));
    assertEquals(new HlcId(a.pt(), a.lc() + 1, "n1"), b);
    assertTrue(o.log().contains("outside what HLC IDs hold"), o.log());
  }

  @Test
  void parseHlcId_givesItsFields() {
    Map<String, Object> b =
        run(
                Scheme.COUNTER,
                "{\"type\":\"parse_hlc_id\",\"msg_id\":MSG,\"id\":\"1704067200001_3_n2\"}")
            .body(1);
    assertEquals(
        TestJson.parse(
            "{\"type\":\"parse_hlc_id_ok\",\"in_reply_to\":2,\"msg_id\":1,\"pt\":1704067200001,"
                + "\"lc\":3,\"node\":\"n2\"}"),
        b);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"1704067200001-3-n2\"|parse_hlc_id: '1704067200001-3-n2' is not an HLC ID: expected"
            + " <pt>_<lc>_<node>",
        "\"1_x_n2\"|parse_hlc_id: '1_x_n2' is not an HLC ID: lc 'x' is not a number",
        "\"1_2_\"|parse_hlc_id: '1_2_' is not an HLC ID: no node after the second '_'",
        "\"\"|parse_hlc_id: empty ID",
        "17|parse_hlc_id needs \"id\", a string <pt>_<lc>_<node>",
        "null|parse_hlc_id needs \"id\", a string <pt>_<lc>_<node>"
      })
  void parseHlcId_malformed_saysWhy(String id, String text) {
    Map<String, Object> b =
        run(Scheme.COUNTER, "{\"type\":\"parse_hlc_id\",\"msg_id\":MSG,\"id\":" + id + "}").body(1);
    assertEquals(12L, integer(b, "code"));
    assertEquals(text, b.get("text"));
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void compareIds_givesARealIdOfEachScheme(Scheme scheme) {
    long before = System.currentTimeMillis();
    Map<String, Object> b = run(scheme, "{\"type\":\"compare_ids\",\"msg_id\":MSG}").body(1);
    assertEquals(List.of("type", "in_reply_to", "msg_id", "comparison"), keys(b));
    List<?> rows = (List<?>) b.get("comparison");
    assertEquals(3, rows.size());
    List<String> schemes = new ArrayList<>();
    for (Object row : rows) {
      Map<?, ?> r = (Map<?, ?>) row;
      assertEquals(
          List.of("scheme", "id", "bits", "sortable", "causal"), new ArrayList<>(r.keySet()));
      schemes.add(r.get("scheme").toString());
    }
    assertEquals(List.of("uuid_v4", "snowflake", "hlc"), schemes);
    Map<?, ?> uuid = (Map<?, ?>) rows.get(0);
    UUID u = UUID.fromString(uuid.get("id").toString());
    assertEquals(4, u.version());
    assertEquals(2, u.variant());
    assertEquals(List.of(128, false, false), properties(uuid));
    Map<?, ?> snowflake = (Map<?, ?>) rows.get(1);
    SnowflakeId s = new SnowflakeId(Long.parseLong(snowflake.get("id").toString()));
    assertEquals(1, s.worker());
    assertTrue(s.timestamp().toEpochMilli() >= before);
    assertEquals(List.of(64, true, false), properties(snowflake));
    Map<?, ?> hlc = (Map<?, ?>) rows.get(2);
    HlcId h = HlcId.parse(hlc.get("id").toString());
    assertEquals("n1", h.node());
    assertTrue(h.pt() >= before);
    assertEquals(List.of(96, true, true), properties(hlc));
  }

  static List<Object> properties(Map<?, ?> row) {
    return List.of(
        ((BigInteger) row.get("bits")).intValue(), row.get("sortable"), row.get("causal"));
  }

  @Test
  void compareIds_inALargeClusterWithoutASnowflakeWorker_isNotSupported() {
    StringBuilder ids = new StringBuilder("\"n1\"");
    for (int k = 2; k <= 1025; k++) {
      ids.append(",\"n").append(k).append('"');
    }
    String init =
        "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,"
            + "\"node_id\":\"n1\",\"node_ids\":["
            + ids
            + "]}}\n";
    Output o = runRaw(Scheme.COUNTER, init + request("{\"type\":\"compare_ids\",\"msg_id\":2}"));
    Map<String, Object> b = o.body(1);
    assertEquals(10L, integer(b, "code"));
    assertTrue(b.get("text").toString().startsWith("compare_ids: 1025 nodes"), b.toString());
  }
}
