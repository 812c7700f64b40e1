package dev.idmint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.idmint.id.CounterId;
import dev.idmint.id.HlcId;
import dev.idmint.id.Scheme;
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

  @Test
  void decode_trackRequests_fastAndGeneral_giveTheSameRecords() throws Exception {
    String[][] cases = {
      {
        "{\"type\":\"generate_batch\",\"msg_id\":3,\"count\":1000}",
        "GenerateBatch[src=c1, dest=n1, msgId=3, count=1000]"
      },
      {
        "{\"type\":\"decompose\",\"msg_id\":3,\"id\":4198498303}",
        "Decompose[src=c1, dest=n1, msgId=3, id=4198498303]"
      },
      {"{\"type\":\"time_info\",\"msg_id\":3}", "TimeInfo[src=c1, dest=n1, msgId=3]"},
      {
        "{\"type\":\"verify_ids\",\"msg_id\":3,\"ids\":[1,\"a\",2.5]}",
        "VerifyIds[src=c1, dest=n1, msgId=3, ids=[IdValue[text=1, number=true],"
            + " IdValue[text=a, number=false], IdValue[text=2.5, number=true]]]"
      },
      {"{\"type\":\"hlc_tick\",\"msg_id\":3}", "HlcTick[src=c1, dest=n1, msgId=3]"},
      {"{\"type\":\"hlc_get\",\"msg_id\":3}", "HlcGet[src=c1, dest=n1, msgId=3]"},
      {
        "{\"type\":\"hlc_receive\",\"msg_id\":3,\"remote_pt\":1000,\"remote_lc\":5}",
        "HlcReceive[src=c1, dest=n1, msgId=3, remotePt=1000, remoteLc=5]"
      },
      {
        "{\"type\":\"simulate_backward\",\"msg_id\":3,\"offset_ms\":-5000}",
        "SimulateBackward[src=c1, dest=n1, msgId=3, offsetMs=-5000]"
      },
      {
        "{\"type\":\"parse_hlc_id\",\"msg_id\":3,\"id\":\"1704067200001_3_n2\"}",
        "ParseHlcId[src=c1, dest=n1, msgId=3, id=1704067200001_3_n2]"
      },
      {"{\"type\":\"compare_ids\",\"msg_id\":3}", "CompareIds[src=c1, dest=n1, msgId=3]"},
    };
    for (String[] c : cases) {
      String plain = "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":" + c[0] + "}";
      // An unknown key sends the same request through jackson-core.
      String general = plain.replace("{\"type\"", "{\"extra\":[null],\"type\"");
      assertEquals(c[1], decode(plain).toString(), plain);
      assertEquals(decode(plain), decode(general), general);
    }
  }

  @Test
  void encode_trackReplies_haveThePagesFieldsInAFixedOrder() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_batch_ok\",\"in_reply_to\":2,"
            + "\"msg_id\":1,\"ids\":[8,9,12],\"max_sequence\":12}}\n",
        encode(
            new Reply.GenerateBatchOk(
                "n1", "c1", "2", 1, Scheme.SNOWFLAKE, "n1", new long[] {8, 9, 12, 13}, 3, 12)));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_batch_ok\",\"in_reply_to\":2,"
            + "\"msg_id\":1,\"ids\":[\"n\\\"1-7\",\"n\\\"1-8\"],\"max_sequence\":8}}\n",
        encode(
            new Reply.GenerateBatchOk(
                "n1", "c1", "2", 1, Scheme.COUNTER, "n\"1", new long[] {7, 8}, 2, 8)));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_batch_ok\",\"in_reply_to\":2,"
            + "\"msg_id\":1,\"ids\":[\"5_262143_n1\",\"6_0_n1\"],\"max_sequence\":262143}}\n",
        encode(
            new Reply.GenerateBatchOk(
                "n1",
                "c1",
                "2",
                1,
                Scheme.HLC,
                "n1",
                new long[] {HlcId.pack(5, HlcId.MAX_LC), HlcId.pack(6, 0)},
                2,
                HlcId.MAX_LC)));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_batch_ok\",\"in_reply_to\":2,"
            + "\"msg_id\":1,\"ids\":[],\"max_sequence\":0}}\n",
        encode(new Reply.GenerateBatchOk("n1", "c1", "2", 1, Scheme.HLC, "n1", new long[0], 0, 0)));
    assertEquals(
        body(
            "\"decompose_ok\",\"in_reply_to\":2,\"msg_id\":1,\"timestamp_ms\":1704067201000,"
                + "\"machine_id\":1023,\"sequence\":4095"),
        encode(new Reply.DecomposeOk("n1", "c1", "2", 1, 1_704_067_201_000L, 1023, 4095)));
    assertEquals(
        body(
            "\"time_info_ok\",\"in_reply_to\":2,\"msg_id\":1,\"current_ms\":1234567,"
                + "\"custom_epoch_ms\":1704067200000,\"max_timestamp_ms\":2199023255551,"
                + "\"years_remaining\":69"),
        encode(
            new Reply.TimeInfoOk(
                "n1", "c1", "2", 1, 1_234_567, 1_704_067_200_000L, 2_199_023_255_551L, 69)));
    assertEquals(
        body(
            "\"verify_ids_ok\",\"in_reply_to\":2,\"msg_id\":1,\"count\":4,\"unique\":2,"
                + "\"is_sorted\":false,\"duplicates\":[1e1,\"\\u0001\\\"\"]"),
        encode(
            new Reply.VerifyIdsOk(
                "n1",
                "c1",
                "2",
                1,
                4,
                2,
                false,
                List.of(IdValue.number("1e1"), IdValue.string("\u0001\"")))));
    assertEquals(
        body("\"hlc_tick_ok\",\"in_reply_to\":2,\"msg_id\":1,\"pt\":1234567,\"lc\":1"),
        encode(new Reply.HlcTickOk("n1", "c1", "2", 1, 1_234_567, 1, null)));
    assertEquals(
        body(
            "\"hlc_tick_ok\",\"in_reply_to\":2,\"msg_id\":1,\"pt\":1234567,\"lc\":1,\"drift_ms\":5000"),
        encode(new Reply.HlcTickOk("n1", "c1", "2", 1, 1_234_567, 1, 5000L)));
    assertEquals(
        body("\"hlc_get_ok\",\"in_reply_to\":2,\"msg_id\":1,\"pt\":0,\"lc\":0"),
        encode(new Reply.HlcGetOk("n1", "c1", "2", 1, 0, 0)));
    assertEquals(
        body("\"hlc_receive_ok\",\"in_reply_to\":2,\"msg_id\":1,\"pt\":1000,\"lc\":6"),
        encode(new Reply.HlcReceiveOk("n1", "c1", "2", 1, 1000, 6)));
    assertEquals(
        body("\"simulate_backward_ok\",\"in_reply_to\":2,\"msg_id\":1"),
        encode(new Reply.SimulateBackwardOk("n1", "c1", "2", 1)));
    assertEquals(
        body(
            "\"parse_hlc_id_ok\",\"in_reply_to\":2,\"msg_id\":1,\"pt\":1704067200001,\"lc\":3,"
                + "\"node\":\"n2\""),
        encode(new Reply.ParseHlcIdOk("n1", "c1", "2", 1, HlcId.parse("1704067200001_3_n2"))));
    assertEquals(
        body(
            "\"compare_ids_ok\",\"in_reply_to\":2,\"msg_id\":1,\"comparison\":["
                + "{\"scheme\":\"uuid_v4\",\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"bits\":128,"
                + "\"sortable\":false,\"causal\":false},"
                + "{\"scheme\":\"snowflake\",\"id\":\"7041429939834880\",\"bits\":64,\"sortable\":true,"
                + "\"causal\":false},"
                + "{\"scheme\":\"hlc\",\"id\":\"1234567_0_n1\",\"bits\":96,\"sortable\":true,"
                + "\"causal\":true}]"),
        encode(
            new Reply.CompareIdsOk(
                "n1",
                "c1",
                "2",
                1,
                "550e8400-e29b-41d4-a716-446655440000",
                new SnowflakeId(7_041_429_939_834_880L),
                new HlcId(1_234_567, 0, "n1"))));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":2,"
            + "\"msg_id\":1,\"id\":\"1704067200001_0_n1\"}}\n",
        encode(new Reply.GenerateOk("n1", "c1", "2", 1, new HlcId(1_704_067_200_001L, 0, "n1"))));
  }

  private static String body(String fields) {
    return "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":" + fields + "}}\n";
  }

  /** Runs of consecutive values across powers of ten, jumps, zero and the largest long. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void decimals_writeEveryValueAsLongToStringDoes(long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    for (int round = 0; round < 300; round++) {
      int n = rnd.nextInt(200);
      long[] v = new long[n];
      long x =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> (long) Math.pow(10, rnd.nextInt(19)) - rnd.nextInt(20);
            case 2 -> Long.MAX_VALUE - rnd.nextInt(300);
            default -> rnd.nextLong() >>> 1;
          };
      StringBuilder expected = new StringBuilder();
      for (int k = 0; k < n; k++) {
        v[k] = Math.max(0, x);
        expected.append(k == 0 ? "" : ",").append(v[k]);
        x = rnd.nextInt(10) == 0 ? rnd.nextLong() >>> rnd.nextInt(64) : x + 1;
        if (x < 0) {
          x = 0;
        }
      }
      Output out = new Output();
      out.decimals(v, n);
      assertEquals(expected.toString(), out.toString());
    }
  }
}
