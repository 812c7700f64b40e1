package dev.idmint.node;

import static dev.idmint.node.TestJson.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.HlcId;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample case of the Identifier track's task pages, replayed against bin/idmint started as
 * the task needs: the expected lines must be in the output (compared as parsed JSON), every input
 * line is answered once, and the case's stated property holds.
 */
@Timeout(120)
class IdentifierTrackIT {
  static final Path PAGES = Launcher.ROOT.resolve("idmint-cli/src/test/resources/identifier-track");

  /** The schemes each task is replayed in: the first is the one it needs. */
  static final Map<String, List<String>> SCHEMES = new LinkedHashMap<>();

  static {
    for (String task :
        List.of(
            "task-2-1-basic-id",
            "task-2-2-random-salt",
            "task-2-3-partition-resilient",
            "task-2-4-uniqueness-validation",
            "task-2-5-high-throughput")) {
      SCHEMES.put(task, List.of("counter"));
    }
    for (String task :
        List.of(
            "task-2-2-1-bit-layout",
            "task-2-2-2-timestamp-component",
            "task-2-2-3-sequence-counter")) {
      SCHEMES.put(task, List.of("snowflake"));
    }
    // Decoding, verification and the HLC messages work in every scheme.
    SCHEMES.put("task-2-2-5-multi-node", List.of("snowflake", "counter", "hlc"));
    for (String task :
        List.of(
            "task-2-4-1-hlc-format",
            "task-2-4-2-hlc-receive",
            "task-2-4-3-clock-backward",
            "task-2-4-4-id-comparison")) {
      SCHEMES.put(task, List.of("hlc", "counter", "snowflake"));
    }
    SCHEMES.put("task-2-4-5-hlc-unique-ids", List.of("hlc"));
  }

  /** What a case's sentence states, checked on the reply bodies (index 0 is init_ok). */
  interface Property {
    void check(List<Map<String, Object>> replies);
  }

  /** Cases whose expected output is every line: the comparison is the whole check. */
  static final Property EXACT = replies -> {};

  static final Map<String, Property> PROPERTIES = new LinkedHashMap<>();

  static {
    for (String c :
        List.of(
            "task-2-1-basic-id#1",
            "task-2-2-random-salt#1",
            "task-2-3-partition-resilient#1",
            "task-2-4-uniqueness-validation#1",
            "task-2-5-high-throughput#1",
            "task-2-2-5-multi-node#1",
            "task-2-2-5-multi-node#2",
            "task-2-4-1-hlc-format#2",
            "task-2-4-2-hlc-receive#1",
            "task-2-4-3-clock-backward#1",
            "task-2-4-5-hlc-unique-ids#2")) {
      PROPERTIES.put(c, EXACT);
    }
    // "The second line should be a generate_ok with a numeric id field."
    PROPERTIES.put("task-2-2-1-bit-layout#1", r -> snowflake(r.get(1)));
    // "Two generate_ok responses with different id values. The second ... greater than or equal."
    PROPERTIES.put(
        "task-2-2-1-bit-layout#2",
        r -> assertTrue(snowflake(r.get(2)).value() > snowflake(r.get(1)).value(), r.toString()));
    // "The generate_ok response should contain a numeric id field greater than 0."
    PROPERTIES.put(
        "task-2-2-2-timestamp-component#1", r -> assertTrue(snowflake(r.get(1)).value() > 0));
    // "custom_epoch_ms=1704067200000, max_timestamp_ms=2199023255551, current_ms > 0, and
    // years_remaining > 0."
    PROPERTIES.put(
        "task-2-2-2-timestamp-component#2",
        r -> {
          Map<String, Object> b = r.get(1);
          assertEquals("time_info_ok", b.get("type"));
          assertEquals(1_704_067_200_000L, integer(b, "custom_epoch_ms"));
          assertEquals(2_199_023_255_551L, integer(b, "max_timestamp_ms"));
          long now = System.currentTimeMillis() - SnowflakeId.EPOCH_MILLIS;
          assertTrue(Math.abs(integer(b, "current_ms") - now) < 60_000, b.toString());
          assertTrue(integer(b, "years_remaining") > 0, b.toString());
        });
    // "Should produce a generate_ok with a numeric id."
    PROPERTIES.put("task-2-2-3-sequence-counter#1", r -> snowflake(r.get(1)));
    // "generate_batch_ok with ids array of length 5, all unique, and a max_sequence field."
    PROPERTIES.put(
        "task-2-2-3-sequence-counter#2",
        r -> {
          Map<String, Object> b = r.get(1);
          assertEquals("generate_batch_ok", b.get("type"));
          List<?> ids = (List<?>) b.get("ids");
          assertEquals(5, ids.size());
          assertEquals(5, new HashSet<>(ids).size());
          long max = 0;
          for (Object id : ids) {
            max = Math.max(max, new SnowflakeId(((BigInteger) id).longValueExact()).sequence());
          }
          assertEquals(max, integer(b, "max_sequence"));
        });
    // "pt > 0 and lc = 0 (first tick gets fresh physical time)."
    PROPERTIES.put(
        "task-2-4-1-hlc-format#1",
        r -> {
          Map<String, Object> b = r.get(1);
          assertEquals("hlc_tick_ok", b.get("type"));
          assertTrue(Math.abs(integer(b, "pt") - System.currentTimeMillis()) < 60_000);
          assertEquals(0, integer(b, "lc"));
        });
    // "new_pt = max(local, 0, now). lc depends on whether now advanced."
    PROPERTIES.put(
        "task-2-4-2-hlc-receive#2",
        r -> {
          Map<String, Object> tick = r.get(1);
          Map<String, Object> received = r.get(2);
          assertEquals("hlc_receive_ok", received.get("type"));
          long pt = integer(tick, "pt");
          if (integer(received, "pt") == pt) {
            assertEquals(integer(tick, "lc") + 1, integer(received, "lc"));
          } else {
            assertTrue(integer(received, "pt") > pt, received.toString());
            assertEquals(0, integer(received, "lc"));
          }
        });
    // "Second tick should keep same pt and increment lc, with drift_ms > 0."
    PROPERTIES.put(
        "task-2-4-3-clock-backward#2",
        r -> {
          Map<String, Object> first = r.get(1);
          Map<String, Object> second = r.get(3);
          assertEquals("simulate_backward_ok", r.get(2).get("type"));
          assertEquals(integer(first, "pt"), integer(second, "pt"));
          assertEquals(integer(first, "lc") + 1, integer(second, "lc"));
          long drift = integer(second, "drift_ms");
          assertTrue(drift > 0 && drift <= 10_000, second.toString());
        });
    // "a comparison array with 3 entries: uuid_v4, snowflake, and hlc. Each has id, bits,
    // sortable, and causal fields."
    PROPERTIES.put(
        "task-2-4-4-id-comparison#1",
        r -> {
          List<?> rows = (List<?>) r.get(1).get("comparison");
          List<Object> schemes = new ArrayList<>();
          for (Object row : rows) {
            Map<?, ?> m = (Map<?, ?>) row;
            assertTrue(m.keySet().containsAll(List.of("id", "bits", "sortable", "causal")));
            schemes.add(m.get("scheme"));
          }
          assertEquals(List.of("uuid_v4", "snowflake", "hlc"), schemes);
          assertEquals(
              4, UUID.fromString(((Map<?, ?>) rows.get(0)).get("id").toString()).version());
          SnowflakeId s =
              new SnowflakeId(Long.parseLong(((Map<?, ?>) rows.get(1)).get("id").toString()));
          assertEquals(1, s.worker());
          assertEquals("n1", HlcId.parse(((Map<?, ?>) rows.get(2)).get("id").toString()).node());
        });
    // "generate_ok should have id matching pattern \d+_\d+_n1."
    PROPERTIES.put(
        "task-2-4-5-hlc-unique-ids#1",
        r -> {
          String id = (String) r.get(1).get("id");
          assertTrue(id.matches("\\d+_\\d+_n1"), id);
          assertTrue(Math.abs(HlcId.parse(id).pt() - System.currentTimeMillis()) < 60_000, id);
        });
  }

  static SnowflakeId snowflake(Map<String, Object> body) {
    assertEquals("generate_ok", body.get("type"));
    assertTrue(body.get("id") instanceof BigInteger, "numeric id: " + body);
    SnowflakeId id = new SnowflakeId(integer(body, "id"));
    assertEquals(1, id.worker(), "n1 is worker 1");
    assertTrue(Math.abs(id.timestamp().toEpochMilli() - System.currentTimeMillis()) < 60_000);
    return id;
  }

  /** One sample case of a page. */
  record Case(
      String task,
      int number,
      String title,
      String sentence,
      List<String> input,
      List<String> expected) {
    String key() {
      return task + "#" + number;
    }
  }

  private static final Pattern CASE =
      Pattern.compile(
          "### (\\d+)\\. (.*?)\\n(.*?)Input:\\s*```json\\n(.*?)```\\s*Expected output:\\s*```text\\n(.*?)```",
          Pattern.DOTALL);

  static List<Case> cases(Path page) throws IOException {
    String task = page.getFileName().toString().replace(".md", "");
    String text = Files.readString(page);
    int start = text.indexOf("\n## Test Cases\n");
    assertTrue(start >= 0, page + " has no test cases");
    int end = text.indexOf("\n## ", start + 1);
    String section = text.substring(start, end < 0 ? text.length() : end);
    List<Case> out = new ArrayList<>();
    Matcher m = CASE.matcher(section);
    while (m.find()) {
      out.add(
          new Case(
              task,
              Integer.parseInt(m.group(1)),
              m.group(2).strip(),
              m.group(3).strip(),
              m.group(4).strip().lines().toList(),
              m.group(5).strip().lines().toList()));
    }
    assertEquals(
        section.split("\\n### ", -1).length - 1, out.size(), "every case of " + task + " parsed");
    return out;
  }

  static List<Case> allCases() throws IOException {
    List<Case> all = new ArrayList<>();
    try (Stream<Path> pages = Files.list(PAGES)) {
      for (Path page :
          pages.filter(p -> p.getFileName().toString().startsWith("task-")).sorted().toList()) {
        all.addAll(cases(page));
      }
    }
    return all;
  }

  static Stream<Arguments> runs() throws IOException {
    List<Arguments> runs = new ArrayList<>();
    for (Case c : allCases()) {
      for (String scheme : SCHEMES.getOrDefault(c.task(), List.of())) {
        runs.add(Arguments.of(c.key() + " " + scheme, c, scheme));
      }
    }
    return runs.stream();
  }

  @Test
  void all14Tasks_andEveryCase_haveASchemeAndAStatedProperty() throws IOException {
    Set<String> tasks = new TreeSet<>();
    Set<String> keys = new TreeSet<>();
    for (Case c : allCases()) {
      tasks.add(c.task());
      keys.add(c.key());
    }
    assertEquals(14, tasks.size(), tasks.toString());
    assertEquals(new TreeSet<>(SCHEMES.keySet()), tasks);
    assertEquals(new TreeSet<>(PROPERTIES.keySet()), keys);
    assertEquals(22, keys.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void sampleCase_passes(String name, Case c, String scheme) throws Exception {
    byte[] input = String.join("\n", c.input()).concat("\n").getBytes(StandardCharsets.UTF_8);
    NodeProcessIT.Run r =
        NodeProcessIT.run(Launcher.start(Map.of(), "node", "--scheme", scheme), input);
    assertEquals(0, r.exit(), r.stderr());
    List<String> lines = r.out().lines().toList();
    String context = name + ": " + c.title() + "\n" + r.out() + r.stderr();
    assertEquals(c.input().size(), lines.size(), "one reply per request; " + context);
    List<Map<String, Object>> replies = new ArrayList<>();
    List<Object> parsed = new ArrayList<>();
    for (String line : lines) {
      NodeTest.assertEnvelope(line);
      parsed.add(TestJson.parse(line));
      replies.add(TestJson.body(line));
      assertTrue(
          ((BigInteger) TestJson.body(line).get("msg_id")).intValue() == replies.size() - 1,
          "msg_id counts from 0; " + context);
    }
    int at = 0;
    for (String expected : c.expected()) {
      Object want = TestJson.parse(expected);
      while (at < parsed.size() && !parsed.get(at).equals(want)) {
        at++;
      }
      assertTrue(at < parsed.size(), "missing, in order: " + expected + "; " + context);
      at++;
    }
    Property p = PROPERTIES.get(c.key());
    if (p == EXACT) {
      assertEquals(c.input().size(), c.expected().size(), "an exact case lists every line");
    }
    try {
      p.check(replies);
    } catch (AssertionError e) {
      throw new AssertionError(c.sentence() + "; " + context, e);
    }
  }
}
