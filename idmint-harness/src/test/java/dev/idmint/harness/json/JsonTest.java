package dev.idmint.harness.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parse_mapsJsonTypesToTheModel() throws Exception {
    Object v =
        Json.parse(
            "{\"s\":\"x\",\"i\":1,\"big\":18446744073709551616,\"f\":1.5,\"t\":true,\"n\":null,\"a\":[1]}");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals("x", m.get("s"));
    assertEquals(1L, m.get("i"));
    assertEquals(new BigInteger("18446744073709551616"), m.get("big"));
    assertEquals(1.5, m.get("f"));
    assertEquals(Boolean.TRUE, m.get("t"));
    assertEquals(Json.NULL, m.get("n"));
    assertEquals(List.of(1L), m.get("a"));
  }

  @Test
  void parse_rejectsTwoValuesOnALine_andEmptyLines_andPrettyPrintedFragments() {
    assertThrows(Json.ParseException.class, () -> Json.parse("{} {}"));
    assertThrows(Json.ParseException.class, () -> Json.parse("   "));
    assertThrows(Json.ParseException.class, () -> Json.parse("{"));
    assertThrows(Json.ParseException.class, () -> Json.parse("debug: hello"));
  }

  @Test
  void equality_isClojures() throws Exception {
    assertNotEquals(Json.parse("1"), Json.parse("1.0"));
    assertNotEquals(Json.parse("\"1\""), Json.parse("1"));
    assertEquals(Json.parse("1e0"), Json.parse("1.0"));
    assertEquals(Json.parse("[1,{\"a\":null}]"), Json.parse("[1, {\"a\": null}]"));
  }

  @Test
  void compare_ordersLikeClojure() throws Exception {
    assertTrue(
        Json.compare(Json.parse("\"B\""), Json.parse("\"a\"")) < 0,
        "UTF-16 order: upper case first");
    assertTrue(Json.compare(Json.parse("1"), Json.parse("1.5")) < 0);
    assertEquals(
        0,
        Json.compare(Json.parse("1"), Json.parse("1.0")),
        "compare is numeric even where = is not");
    assertTrue(Json.compare(Json.parse("false"), Json.parse("true")) < 0);
    assertTrue(Json.compare(Json.parse("[9]"), Json.parse("[0,0]")) < 0);
    assertThrows(Json.IncomparableException.class, () -> Json.compare("a", 1L));
    assertThrows(
        Json.IncomparableException.class,
        () -> Json.compare(new java.util.HashMap<>(), new java.util.HashMap<>()));
  }

  @Test
  void toJson_roundTrips() throws Exception {
    String s = "{\"a\":[1,2.5,\"x\\n\",null,true],\"b\":{}}";
    assertEquals(s, Json.toJson(Json.parse(s)));
  }
}
