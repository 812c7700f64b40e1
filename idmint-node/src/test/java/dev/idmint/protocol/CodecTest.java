package dev.idmint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.idmint.id.CounterId;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecTest {
  private final Codec codec = new Codec();

  private Request decode(String line) throws MalformedLineException {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return codec.decode(b, 0, b.length);
  }

  private String encode(Reply r) {
    Output out = new Output();
    codec.encode(r, out);
    return out.toString();
  }

  /** A request line as a client writes it: the codec only encodes replies. */
  private static String line(Request r) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("src", r.src());
      g.writeStringField("dest", r.dest());
      g.writeObjectFieldStart("body");
      if (r instanceof Request.Generate) {
        g.writeStringField("type", "generate");
      } else if (r instanceof Request.Init) {
        g.writeStringField("type", "init");
      } else {
        g.writeStringField("type", ((Request.Unsupported) r).type());
      }
      if (r.msgId() != null) {
        g.writeFieldName("msg_id");
        g.writeNumber(r.msgId());
      }
      if (r instanceof Request.Init init) {
        g.writeStringField("node_id", init.nodeId());
        g.writeArrayFieldStart("node_ids");
        for (String id : init.nodeIds()) {
          g.writeString(id);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return w.toString();
  }

  @Test
  void decode_generateAsMaelstromSendsIt_givesGenerate() throws Exception {
    Request r =
        decode(
            "{\"id\":7,\"src\":\"c3\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":2}}");
    assertEquals(new Request.Generate("c3", "n1", "2"), r);
  }

  @Test
  void decode_init_givesNodeIdAndNodeIds() throws Exception {
    Request r =
        decode(
            "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n0\",\"n1\"]}}");
    assertEquals(new Request.Init("c0", "n1", "1", "n1", List.of("n0", "n1")), r);
  }

  @Test
  void decode_unknownFieldsAnywhere_areIgnored() throws Exception {
    Request r =
        decode(
            " { \"x\" : [1, {\"y\": null}], \"src\": \"c1\", \"body\": {\"extra\": {\"a\": [true]},"
                + " \"type\": \"generate\", \"msg_id\": 5, \"z\": 1.5e3}, \"dest\": \"n2\", \"w\": \"v\" } ");
    assertEquals(new Request.Generate("c1", "n2", "5"), r);
  }

  @Test
  void decode_escapesAndNonAscii_giveExactStrings() throws Exception {
    Request m =
        decode(
            "{\"src\":\"c\\u00e9\\\"\\n\uD83D\uDE00\",\"dest\":\"n\u00fc\",\"body\":{\"type\":\"generate\"}}");
    assertEquals("c\u00e9\"\n\uD83D\uDE00", m.src());
    assertEquals("n\u00fc", m.dest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"9007199254740993", "-0", "123456789012345678901234567890", "0"})
  void decode_anyIntegerMsgId_keepsItsExactText(String n) throws Exception {
    Request r =
        decode(
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":"
                + n
                + "}}");
    assertEquals(n, r.msgId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"5\"", "1.0", "1e3", "null", "true", "[1]", "{}"})
  void decode_msgIdNotAnInteger_isMalformedWithoutCorrelation(String v) throws Exception {
    Request r =
        decode(
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":"
                + v
                + "}}");
    assertEquals(new Request.Malformed("c1", "n1", null, "msg_id must be an integer"), r);
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
    Request r = decode("{\"src\":\"c1\",\"dest\":\"n1\",\"body\":" + body + "}");
    assertInstanceOf(Request.Malformed.class, r);
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
    Request r = decode("{\"src\":\"c1\",\"dest\":\"n1\",\"body\":" + body + "}");
    assertEquals("1", assertInstanceOf(Request.Malformed.class, r).msgId());
  }

  @Test
  void decode_otherType_isUnsupported() throws Exception {
    assertEquals(
        new Request.Unsupported("c1", "n1", "4", "echo"),
        decode(
            "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"echo\",\"msg_id\":4,\"echo\":\"hi\"}}"));
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
        encode(new Reply.InitOk("n1", "c0", "1", 0)));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":2,\"msg_id\":1,\"id\":\"n1-0\"}}\n",
        encode(new Reply.GenerateOk("n1", "c1", "2", 1, new CounterId("n1", 0))));
  }

  @Test
  void encode_snowflakeId_isAJsonInteger() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":2,\"msg_id\":1,\"id\":9223372036854775807}}\n",
        encode(new Reply.GenerateOk("n1", "c1", "2", 1, new SnowflakeId(Long.MAX_VALUE))));
  }

  @Test
  void encode_error_hasTypeInReplyToMsgIdCodeText() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"in_reply_to\":9007199254740993,\"msg_id\":3,\"code\":10,\"text\":\"no \\\"x\\\"\"}}\n",
        encode(
            new Reply.Error(
                "n1", "c1", "9007199254740993", 3, ErrorCode.NOT_SUPPORTED, "no \"x\"")));
  }

  @Test
  void encode_withoutCorrelation_omitsInReplyTo() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"msg_id\":0,\"code\":12,\"text\":\"t\"}}\n",
        encode(new Reply.Error("n1", "c1", null, 0, 12, "t")));
  }

  @Test
  void requestsAsClientsWriteThem_decodeToTheSameRequest() throws Exception {
    for (Request r :
        List.of(
            new Request.Init("c0", "n\u00e9", "1", "n\u00e9", List.of("n0", "n\u00e9")),
            new Request.Generate("c\"1", "n1", "18446744073709551616"),
            new Request.Generate("c1", "n1", null),
            new Request.Unsupported("c1", "n1", "3", "echo"))) {
      assertEquals(r, decode(line(r)));
    }
  }
}
