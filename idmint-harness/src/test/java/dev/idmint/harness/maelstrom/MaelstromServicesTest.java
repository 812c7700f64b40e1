package dev.idmint.harness.maelstrom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaelstromServicesTest {
  private static Map<String, Object> body(String json) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Json.parse(json);
    return m;
  }

  private static String ask(MaelstromServices s, String client, String json) throws Exception {
    return Json.toJson(s.handle(client, body(json)));
  }

  /** The value of a read_ok, or -1 for key-does-not-exist. */
  private static long value(String reply) throws Exception {
    Map<?, ?> m = (Map<?, ?>) Json.parse(reply);
    if (m.get("type").equals("error")) {
      assertEquals(20L, m.get("code"), reply);
      return -1;
    }
    return (Long) m.get("value");
  }

  @Test
  void linKv_readWriteCas_withMaelstromsErrorCodesAndTexts() throws Exception {
    MaelstromServices kv = MaelstromServices.create("lin-kv", new SplittableRandom(1));
    assertEquals(
        "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\"}",
        ask(kv, "n1", "{\"type\":\"read\",\"key\":\"x\"}"));
    assertEquals(
        "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\"}",
        ask(kv, "n1", "{\"type\":\"cas\",\"key\":\"x\",\"from\":0,\"to\":1}"));
    assertEquals(
        "{\"type\":\"cas_ok\"}",
        ask(
            kv,
            "n1",
            "{\"type\":\"cas\",\"key\":\"x\",\"from\":0,\"to\":1,\"create_if_not_exists\":true}"));
    assertEquals(
        "{\"type\":\"read_ok\",\"value\":1}", ask(kv, "n2", "{\"type\":\"read\",\"key\":\"x\"}"));
    assertEquals(
        "{\"type\":\"error\",\"code\":22,\"text\":\"current value 1 is not 0\"}",
        ask(kv, "n2", "{\"type\":\"cas\",\"key\":\"x\",\"from\":0,\"to\":5}"));
    assertEquals(
        "{\"type\":\"cas_ok\"}",
        ask(kv, "n2", "{\"type\":\"cas\",\"key\":\"x\",\"from\":1,\"to\":2}"));
    assertEquals(
        "{\"type\":\"write_ok\"}",
        ask(kv, "n1", "{\"type\":\"write\",\"key\":\"y\",\"value\":\"a b\"}"));
    assertEquals(
        "{\"type\":\"error\",\"code\":22,\"text\":\"current value \\\"a b\\\" is not 1.0\"}",
        ask(kv, "n1", "{\"type\":\"cas\",\"key\":\"y\",\"from\":1.0,\"to\":2}"));
  }

  @Test
  void linKv_keysAndValuesCompareAsClojureDoes() throws Exception {
    MaelstromServices kv = MaelstromServices.create("lin-kv", new SplittableRandom(1));
    ask(kv, "n1", "{\"type\":\"write\",\"key\":1,\"value\":[1,{\"a\":true}]}");
    assertEquals(
        "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\"}",
        ask(kv, "n1", "{\"type\":\"read\",\"key\":\"1\"}"),
        "the string \"1\" is another key than the number 1");
    assertEquals(
        "{\"type\":\"cas_ok\"}",
        ask(kv, "n1", "{\"type\":\"cas\",\"key\":1,\"from\":[1,{\"a\":true}],\"to\":null}"));
    assertEquals(
        "{\"type\":\"read_ok\",\"value\":null}", ask(kv, "n1", "{\"type\":\"read\",\"key\":1}"));
  }

  @Test
  void linTso_answersTsOk_withStrictlyIncreasingTimestamps_fromZero() throws Exception {
    MaelstromServices tso = MaelstromServices.create("lin-tso", new SplittableRandom(1));
    for (long i = 0; i < 100; i++) {
      assertEquals(
          "{\"type\":\"ts_ok\",\"ts\":" + i + "}", ask(tso, "n" + (i % 3), "{\"type\":\"ts\"}"));
    }
  }

  @Test
  void services_withNoCaseForARequest_sendNoReply_asMaelstromsDo() {
    for (String name : MaelstromServices.NAMES) {
      MaelstromServices s = MaelstromServices.create(name, new SplittableRandom(1));
      assertThrows(
          MaelstromServices.Unhandled.class, () -> ask(s, "n1", "{\"type\":\"frobnicate\"}"));
      assertThrows(MaelstromServices.Unhandled.class, () -> ask(s, "n1", "{\"key\":1}"), "no type");
    }
  }

  @Test
  void seqKv_servesStaleReads_butEachClientSeesItsStatesInOrder() throws Exception {
    MaelstromServices kv = MaelstromServices.create("seq-kv", new SplittableRandom(7));
    ask(kv, "n1", "{\"type\":\"write\",\"key\":\"c\",\"value\":0}");
    long lastSeenByN2 = -1;
    int stale = 0;
    for (long v = 1; v <= 300; v++) {
      ask(kv, "n1", "{\"type\":\"write\",\"key\":\"c\",\"value\":" + v + "}");
      long seen = value(ask(kv, "n2", "{\"type\":\"read\",\"key\":\"c\"}"));
      assertTrue(seen >= lastSeenByN2, "n2 never goes back: " + seen + " after " + lastSeenByN2);
      stale += seen < v ? 1 : 0;
      lastSeenByN2 = seen;
    }
    assertTrue(stale > 100, "seq-kv really serves stale reads: " + stale + " of 300");
  }

  @Test
  void seqKv_aClientAlwaysReadsItsOwnWrite() throws Exception {
    MaelstromServices kv = MaelstromServices.create("seq-kv", new SplittableRandom(3));
    for (long v = 0; v < 200; v++) {
      ask(kv, "n2", "{\"type\":\"write\",\"key\":\"other\",\"value\":" + v + "}");
      ask(kv, "n1", "{\"type\":\"write\",\"key\":\"c\",\"value\":" + v + "}");
      assertEquals(
          "{\"type\":\"read_ok\",\"value\":" + v + "}",
          ask(kv, "n1", "{\"type\":\"read\",\"key\":\"c\"}"));
    }
  }

  @Test
  void seqKv_casRunsOnTheNewestState_soItNeverSucceedsOnAStaleValue() throws Exception {
    MaelstromServices kv = MaelstromServices.create("seq-kv", new SplittableRandom(11));
    ask(kv, "n1", "{\"type\":\"write\",\"key\":\"c\",\"value\":0}");
    Set<Long> issued = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      String client = "n" + (i % 3);
      long v =
          Long.parseLong(
              ask(kv, client, "{\"type\":\"read\",\"key\":\"c\"}")
                  .replaceAll("\\D+(\\d+)\\D*", "$1"));
      String r =
          ask(
              kv,
              client,
              "{\"type\":\"cas\",\"key\":\"c\",\"from\":" + v + ",\"to\":" + (v + 1) + "}");
      if (r.contains("cas_ok")) {
        assertTrue(issued.add(v + 1), "a cas-based counter never hands out a value twice");
      } else {
        assertTrue(r.contains("\"code\":22"), r);
      }
    }
    assertTrue(issued.size() > 50);
  }

  @Test
  void lwwKv_isAsPathologicalAsMaelstroms_replicasNeverConverge() throws Exception {
    MaelstromServices kv = MaelstromServices.create("lww-kv", new SplittableRandom(5));
    ask(kv, "n1", "{\"type\":\"write\",\"key\":\"x\",\"value\":1}");
    List<String> reads = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      reads.add(ask(kv, "n1", "{\"type\":\"read\",\"key\":\"x\"}"));
    }
    assertTrue(reads.contains("{\"type\":\"read_ok\",\"value\":1}"), reads.toString());
    assertTrue(
        reads.contains("{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\"}"),
        "the other replica never hears of the write, even after 50 requests: " + reads);
    String create =
        ask(
            kv,
            "n1",
            "{\"type\":\"cas\",\"key\":\"new\",\"from\":0,\"to\":1,\"create_if_not_exists\":true}");
    assertEquals(
        "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\"}",
        create,
        "lww-kv's cas ignores create_if_not_exists");
  }

  @Test
  void edn_printsValuesAsClojuresPrStr() throws Exception {
    assertEquals("\"a\\\"b\"", Json.edn("a\"b"));
    assertEquals("[1 \"x\" nil true 1.5]", Json.edn(Json.parse("[1,\"x\",null,true,1.5]")));
    assertEquals("{\"a\" 1, \"b\" [2]}", Json.edn(Json.parse("{\"a\":1,\"b\":[2]}")));
    assertEquals("x", Json.ednStr("x"));
  }
}
