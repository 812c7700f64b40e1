package dev.idmint.harness.maelstrom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolChecksTest {
  private static Envelope parse(String line) throws Exception {
    byte[] b = ("  " + line + "  ").getBytes(StandardCharsets.UTF_8); // not at offset 0, on purpose
    return Envelope.parse(b, 2, b.length - 4);
  }

  private static String problem(String line) {
    return assertThrows(Envelope.Malformed.class, () -> parse(line)).getMessage();
  }

  @Test
  void envelope_withOnlySrcDestBodyAndIntegerId_isFine() throws Exception {
    Envelope e = parse("{\"id\":3,\"src\":\"n0\",\"dest\":\"c1\",\"body\":{\"type\":\"x\"}}");
    assertEquals("n0", e.src());
    assertEquals("c1", e.dest());
    assertEquals("x", e.body().type());
    parse("{\"body\":{},\"dest\":\"c1\",\"src\":\"n0\"}");
  }

  @Test
  void envelope_keepsTheBodysExactBytes_forForwarding() throws Exception {
    String body = "{\"type\":\"gossip\", \"n\": 1.50, \"big\": 123456789012345678901234567890}";
    String line = "{\"src\":\"n0\",\"body\":" + body + ",\"dest\":\"n1\"}";
    byte[] b = ("xx" + line).getBytes(StandardCharsets.UTF_8);
    Envelope e = Envelope.parse(b, 2, b.length - 2);
    assertEquals(
        body, new String(b, e.bodyStart(), e.bodyEnd() - e.bodyStart(), StandardCharsets.UTF_8));
  }

  @Test
  void envelope_withAnExtraKey_orWrongTypes_isMalformed() {
    assertTrue(problem("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{},\"ts\":1}").contains("\"ts\""));
    assertTrue(problem("{\"src\":0,\"dest\":\"c1\",\"body\":{}}").endsWith("src is not a string"));
    assertTrue(problem("{\"src\":\"n0\",\"body\":{}}").endsWith("no dest"));
    assertTrue(
        problem("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":[]}").endsWith("body is not an object"));
    assertTrue(
        problem("{\"id\":1.0,\"src\":\"n0\",\"dest\":\"c1\",\"body\":{}}")
            .endsWith("id is not an integer"));
    assertEquals("printed JSON that is not a message object", problem("[1,2]"));
  }

  @Test
  void envelope_thatIsNotJson_orTwoValues_isAParseError() {
    assertThrows(Json.ParseException.class, () -> parse("debug: hello"));
    assertThrows(
        Json.ParseException.class, () -> parse("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{}} {}"));
    assertThrows(
        Json.ParseException.class,
        () -> parse("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{\"x\":[}}"));
    assertThrows(Json.ParseException.class, () -> parse(""));
  }

  @Test
  void ids_areKnownOnlyInTheirCanonicalForm() {
    assertEquals(4, NodeNames.index("n4", 'n', 5));
    assertEquals(-1, NodeNames.index("n5", 'n', 5));
    assertEquals(-1, NodeNames.index("n04", 'n', 5));
    assertEquals(-1, NodeNames.index("c4", 'n', 5));
    assertEquals(-1, NodeNames.index("n", 'n', 5));
    assertEquals(-1, NodeNames.index("n-1", 'n', 5));
    assertEquals(12, NodeNames.index("c12", 'c', 13));
  }

  private static String generateOk(String body) throws Exception {
    return GenerateClient.generateOkProblem(
        parse("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":" + body + "}").body());
  }

  @Test
  void generateOk_holdsExactlyTypeInReplyToMsgIdAndId() throws Exception {
    assertNull(generateOk("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"id\":null}"));
    assertNull(generateOk("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"msg_id\":9,\"id\":[1]}"));
    assertTrue(
        generateOk("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"id\":1,\"node\":\"n0\"}")
            .contains("extra key \"node\""));
    assertEquals(
        "generate_ok has no id", generateOk("{\"type\":\"generate_ok\",\"in_reply_to\":1}"));
    assertEquals(
        "generate_ok's msg_id is not an integer",
        generateOk("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"msg_id\":null,\"id\":1}"));
  }

  @Test
  void reply_fieldsAreReadAsJsonValues() throws Exception {
    Envelope.Reply r =
        parse(
                "{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"in_reply_to\":7,\"code\":11,\"text\":\"busy\",\"extra\":{\"a\":1}}}")
            .body();
    assertEquals("error", r.type());
    assertEquals(7L, r.inReplyTo());
    assertEquals(11L, r.code());
    assertEquals("busy", r.text());
    assertEquals(
        Json.NULL, parse("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{\"id\":null}}").body().id());
    assertNull(parse("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{\"type\":5}}").body().type());
  }
}
