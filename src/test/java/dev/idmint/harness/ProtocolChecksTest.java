package dev.idmint.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolChecksTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(String json) throws Exception {
    return (Map<String, Object>) Json.parse(json);
  }

  @Test
  void envelope_withOnlySrcDestBodyAndIntegerId_isFine() throws Exception {
    assertNull(Network.envelopeProblem(obj("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{}}")));
    assertNull(Network.envelopeProblem(obj("{\"id\":3,\"src\":\"n0\",\"dest\":\"c1\",\"body\":{}}")));
  }

  @Test
  void envelope_withAnExtraKey_orWrongTypes_isMalformed() throws Exception {
    assertTrue(Network.envelopeProblem(obj("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":{},\"ts\":1}")).contains("\"ts\""));
    assertEquals("src is not a string", Network.envelopeProblem(obj("{\"src\":0,\"dest\":\"c1\",\"body\":{}}")));
    assertEquals("no dest", Network.envelopeProblem(obj("{\"src\":\"n0\",\"body\":{}}")));
    assertEquals("body is not an object", Network.envelopeProblem(obj("{\"src\":\"n0\",\"dest\":\"c1\",\"body\":[]}")));
    assertEquals("id is not an integer", Network.envelopeProblem(obj("{\"id\":1.0,\"src\":\"n0\",\"dest\":\"c1\",\"body\":{}}")));
  }

  @Test
  void ids_areKnownOnlyInTheirCanonicalForm() {
    assertEquals(4, Network.index("n4", 'n', 5));
    assertEquals(-1, Network.index("n5", 'n', 5));
    assertEquals(-1, Network.index("n04", 'n', 5));
    assertEquals(-1, Network.index("c4", 'n', 5));
    assertEquals(-1, Network.index("n", 'n', 5));
    assertEquals(-1, Network.index("n-1", 'n', 5));
    assertEquals(12, Network.index("c12", 'c', 13));
  }

  @Test
  void generateOk_holdsExactlyTypeInReplyToMsgIdAndId() throws Exception {
    assertNull(Workload.generateOkProblem(obj("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"id\":null}")));
    assertNull(Workload.generateOkProblem(obj("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"msg_id\":9,\"id\":[1]}")));
    assertTrue(Workload.generateOkProblem(obj("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"id\":1,\"node\":\"n0\"}")).contains("extra key \"node\""));
    assertEquals("generate_ok has no id", Workload.generateOkProblem(obj("{\"type\":\"generate_ok\",\"in_reply_to\":1}")));
    assertEquals("generate_ok's msg_id is not an integer",
        Workload.generateOkProblem(obj("{\"type\":\"generate_ok\",\"in_reply_to\":1,\"msg_id\":null,\"id\":1}")));
  }

  @Test
  void faketimeSpec_isSignedSecondsWithMilliseconds() {
    assertEquals("+0.000", Faketime.spec(0));
    assertEquals("-0.005", Faketime.spec(-5));
    assertEquals("+3600.000", Faketime.spec(3_600_000));
    assertEquals("-7200.250", Faketime.spec(-7_200_250));
  }

  @Test
  void clockJumps_areShownInAFittingUnit() {
    assertEquals("-7 ms", Nemesis.millis(-7));
    assertEquals("+2.5 s", Nemesis.millis(2500));
    assertEquals("+17.9 min", Nemesis.millis(1_074_000));
    assertEquals("-2.0 h", Nemesis.millis(-7_200_000));
  }
}
