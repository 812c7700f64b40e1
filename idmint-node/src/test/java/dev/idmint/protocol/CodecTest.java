package dev.idmint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idmint.id.CounterId;
import dev.idmint.id.SnowflakeId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecTest {
  private final Codec codec = new Codec();

  private Message decode(String line) throws MalformedLineException {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return codec.decode(b, 0, b.length);
  }

  private String encode(Message m) {
    Output out = new Output();
    codec.encode(m, out);
    return out.toString();
  }

  @Test
  void decode_generateAsMaelstromSendsIt_givesGenerate() throws Exception {
    Message m =
        decode(
            "{\"id\":7,\"src\":\"c3\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":2}}");
    assertEquals(new Message("c3", "n1", new Body.Generate("2")), m);
  }

  @Test
  void decode_init_givesNodeIdAndNodeIds() throws Exception {
    Message m =
        decode(
            "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n0\",\"n1\"]}}");
    assertEquals(new Message("c0", "n1", new Body.Init("1", "n1", List.of("n0", "n1"))), m);
  }

  @Test
  void decode_unknownFieldsAnywhere_areIgnored() throws Exception {
    Message m =
        decode(
            " { \"x\" : [1, {\"y\": null}], \"src\": \"c1\", \"body\": {\"extra\": {\"a\": [true]},"
                + " \"type\": \"generate\", \"msg_id\": 5, \"z\": 1.5e3}, \"dest\": \"n2\", \"w\": \"v\" } ");
    assertEquals(new Message("c1", "n2", new Body.Generate("5")), m);
  }

  @Test
  void decode_escapesAndNonAscii_giveExactStrings() throws Exception {
    Message m =
        decode(
            "{\"src\":\"c\\u00e9\\\"\\n\uD83D\uDE00\",\"dest\":\"n\u00fc\",\"body\":{\"type\":\"generate\"}}");
    assertEquals("c\u00e9\"\n\uD83D\uDE00", m.src());
    assertEquals("n\u00fc", m.dest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"9007199254740993", "-0", "123456789012345678901234567890", "0"})
  void decode_anyIntegerMsgId_keepsItsExactText(String n) throws Exception {
    Message m =
        decode(
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":"
                + n
                + "}}");
    assertEquals(n, m.body().correlation());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"5\"", "1.0", "1e3", "null", "true", "[1]", "{}"})
  void decode_msgIdNotAnInteger_isMalformedWithoutCorrelation(String v) throws Exception {
    Message m =
        decode(
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":"
                + v
                + "}}");
    assertEquals(new Body.Malformed(null, "msg_id must be an integer"), m.body());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"msg_id\":3}",
        "{\"type\":7,\"msg_id\":3}",
        "{\"type\":null,\"msg_id\":3}"
      })
  void decode_bodyWithoutStringType_isMalformed(String body) throws Exception {
    Body b = decode("{\"src\":\"c1\",\"dest\":\"n1\",\"body\":" + body + "}").body();
    assertInstanceOf(Body.Malformed.class, b);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"init\",\"msg_id\":1,\"node_ids\":[\"n1\"]}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":1,\"node_ids\":[\"n1\"]}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\"}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":\"n1\"}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\",2]}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"\",\"node_ids\":[\"\"]}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n0\",\"n2\"]}",
        "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\",\"n1\"]}"
      })
  void decode_initWithBadFields_isMalformedKeepingMsgId(String body) throws Exception {
    Body b = decode("{\"src\":\"c1\",\"dest\":\"n1\",\"body\":" + body + "}").body();
    assertEquals("1", assertInstanceOf(Body.Malformed.class, b).msgId());
  }

  @Test
  void decode_otherType_isUnsupported() throws Exception {
    assertEquals(
        new Body.Unsupported("4", "echo"),
        decode(
                "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"echo\",\"msg_id\":4,\"echo\":\"hi\"}}")
            .body());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "junk",
        "[]",
        "\"src\"",
        "42",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\"",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\"}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{}}{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{}}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{}} x",
        "{\"dest\":\"n1\",\"body\":{}}",
        "{\"src\":\"c1\",\"body\":{}}",
        "{\"src\":\"c1\",\"dest\":\"n1\"}",
        "{\"src\":1,\"dest\":\"n1\",\"body\":{}}",
        "{\"src\":\"c1\",\"dest\":[\"n1\"],\"body\":{}}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":[]}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":\"generate\"}",
        "{\"src\":\"c1\",\"src\":\"c2\",\"dest\":\"n1\",\"body\":{}}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"type\":\"init\"}}",
        "{'src':'c1','dest':'n1','body':{}}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{},}",
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"msg_id\":01}}"
      })
  void decode_notAnEnvelope_throws(String line) {
    assertThrows(MalformedLineException.class, () -> decode(line));
  }

  @Test
  void decode_invalidUtf8_throws() {
    byte[] b = "{\"src\":\"c\u00e9\",\"dest\":\"n1\",\"body\":{}}".getBytes(StandardCharsets.UTF_8);
    b[9] = (byte) 0xff;
    assertThrows(MalformedLineException.class, () -> codec.decode(b, 0, b.length));
  }

  @Test
  void encode_replies_matchSampleByteForByte() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c0\",\"body\":{\"type\":\"init_ok\",\"in_reply_to\":1,\"msg_id\":0}}\n",
        encode(new Message("n1", "c0", new Body.InitOk("1", 0))));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":2,\"msg_id\":1,\"id\":\"n1-0\"}}\n",
        encode(new Message("n1", "c1", new Body.GenerateOk("2", 1, new CounterId("n1", 0)))));
  }

  @Test
  void encode_snowflakeId_isAJsonInteger() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":2,\"msg_id\":1,\"id\":9223372036854775807}}\n",
        encode(
            new Message("n1", "c1", new Body.GenerateOk("2", 1, new SnowflakeId(Long.MAX_VALUE)))));
  }

  @Test
  void encode_error_hasTypeInReplyToMsgIdCodeText() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"in_reply_to\":9007199254740993,\"msg_id\":3,\"code\":10,\"text\":\"no \\\"x\\\"\"}}\n",
        encode(
            new Message(
                "n1",
                "c1",
                new Body.Error("9007199254740993", 3, ErrorCode.NOT_SUPPORTED, "no \"x\""))));
  }

  @Test
  void encode_withoutCorrelation_omitsInReplyTo() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"msg_id\":0,\"code\":12,\"text\":\"t\"}}\n",
        encode(new Message("n1", "c1", new Body.Error(null, 0, 12, "t"))));
  }

  @Test
  void encodeThenDecode_requests_roundTrip() throws Exception {
    for (Message m :
        List.of(
            new Message("c0", "n\u00e9", new Body.Init("1", "n\u00e9", List.of("n0", "n\u00e9"))),
            new Message("c\"1", "n1", new Body.Generate("18446744073709551616")),
            new Message("c1", "n1", new Body.Unsupported("3", "echo")))) {
      String line = encode(m);
      assertEquals(m, decode(line.substring(0, line.length() - 1)));
    }
  }
}
