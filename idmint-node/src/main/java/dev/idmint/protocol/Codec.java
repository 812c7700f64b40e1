package dev.idmint.protocol;

import dev.idmint.id.CounterId;
import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.nio.charset.StandardCharsets;

/**
 * Decodes request lines and encodes replies as compact JSON lines, keys in a fixed order. Not
 * thread-safe: one per node loop.
 */
public final class Codec {
  /** Lines longer than this are reported and skipped, never buffered whole. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private static final byte[] SRC = ascii("{\"src\":");
  private static final byte[] DEST = ascii(",\"dest\":");
  private static final byte[] BODY = ascii(",\"body\":{\"type\":");
  private static final byte[] IN_REPLY_TO = ascii(",\"in_reply_to\":");
  private static final byte[] MSG_ID = ascii(",\"msg_id\":");
  private static final byte[] ID = ascii(",\"id\":");
  private static final byte[] CODE = ascii(",\"code\":");
  private static final byte[] TEXT = ascii(",\"text\":");
  private static final byte[] END = ascii("}}\n");
  private static final byte[] INIT_OK = ascii("\"init_ok\"");
  private static final byte[] GENERATE_OK = ascii("\"generate_ok\"");
  private static final byte[] ERROR = ascii("\"error\"");
  private static final byte[] GENERATE_BATCH_OK = ascii("\"generate_batch_ok\"");
  private static final byte[] IDS = ascii(",\"ids\":[");
  private static final byte[] MAX_SEQUENCE = ascii("],\"max_sequence\":");
  private static final byte[] DECOMPOSE_OK = ascii("\"decompose_ok\"");
  private static final byte[] TIMESTAMP_MS = ascii(",\"timestamp_ms\":");
  private static final byte[] MACHINE_ID = ascii(",\"machine_id\":");
  private static final byte[] SEQUENCE = ascii(",\"sequence\":");
  private static final byte[] TIME_INFO_OK = ascii("\"time_info_ok\"");
  private static final byte[] CURRENT_MS = ascii(",\"current_ms\":");
  private static final byte[] CUSTOM_EPOCH_MS = ascii(",\"custom_epoch_ms\":");
  private static final byte[] MAX_TIMESTAMP_MS = ascii(",\"max_timestamp_ms\":");
  private static final byte[] YEARS_REMAINING = ascii(",\"years_remaining\":");
  private static final byte[] VERIFY_IDS_OK = ascii("\"verify_ids_ok\"");
  private static final byte[] COUNT = ascii(",\"count\":");
  private static final byte[] UNIQUE = ascii(",\"unique\":");
  private static final byte[] IS_SORTED = ascii(",\"is_sorted\":");
  private static final byte[] DUPLICATES = ascii(",\"duplicates\":[");
  private static final byte[] HLC_TICK_OK = ascii("\"hlc_tick_ok\"");
  private static final byte[] HLC_GET_OK = ascii("\"hlc_get_ok\"");
  private static final byte[] HLC_RECEIVE_OK = ascii("\"hlc_receive_ok\"");
  private static final byte[] PT = ascii(",\"pt\":");
  private static final byte[] LC = ascii(",\"lc\":");
  private static final byte[] DRIFT_MS = ascii(",\"drift_ms\":");
  private static final byte[] NODE = ascii(",\"node\":");
  private static final byte[] SIMULATE_BACKWARD_OK = ascii("\"simulate_backward_ok\"");
  private static final byte[] PARSE_HLC_ID_OK = ascii("\"parse_hlc_id_ok\"");
  private static final byte[] COMPARE_IDS_OK = ascii("\"compare_ids_ok\"");
  private static final byte[] COMPARISON =
      ascii(",\"comparison\":[{\"scheme\":\"uuid_v4\",\"id\":");
  private static final byte[] UUID_PROPERTIES =
      ascii(",\"bits\":128,\"sortable\":false,\"causal\":false},{\"scheme\":\"snowflake\",\"id\":");
  private static final byte[] SNOWFLAKE_PROPERTIES =
      ascii(",\"bits\":64,\"sortable\":true,\"causal\":false},{\"scheme\":\"hlc\",\"id\":");
  private static final byte[] HLC_PROPERTIES =
      ascii(",\"bits\":96,\"sortable\":true,\"causal\":true}]");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");

  private final Fields fields = new Fields();
  private final FastDecoder fast = new FastDecoder();
  private JacksonDecoder jackson; // made on first need: regular traffic never loads jackson-core

  /**
   * Decodes one line, without its newline.
   *
   * @throws MalformedLineException if it is not a JSON object with string {@code src}, string
   *     {@code dest} and object {@code body}
   */
  public Request decode(byte[] buf, int off, int len) throws MalformedLineException {
    if (fast.decode(buf, off, len, fields)) {
      return fields.toRequest();
    }
    if (jackson == null) {
      jackson = new JacksonDecoder();
    }
    return jackson.decode(buf, off, len, fields);
  }

  /** Appends {@code reply} as one line. */
  public void encode(Reply reply, Output out) {
    out.raw(SRC);
    out.string(reply.src());
    out.raw(DEST);
    out.string(reply.dest());
    out.raw(BODY);
    if (reply instanceof Reply.GenerateOk r) {
      out.raw(GENERATE_OK);
      replyIds(r, out);
      out.raw(ID);
      id(r.id(), out);
    } else if (reply instanceof Reply.GenerateBatchOk r) {
      out.raw(GENERATE_BATCH_OK);
      replyIds(r, out);
      out.raw(IDS);
      ids(r, out);
      out.raw(MAX_SEQUENCE);
      out.decimal(r.maxSequence());
    } else if (reply instanceof Reply.InitOk r) {
      out.raw(INIT_OK);
      replyIds(r, out);
    } else if (reply instanceof Reply.Error r) {
      out.raw(ERROR);
      replyIds(r, out);
      out.raw(CODE);
      out.decimal(r.code());
      out.raw(TEXT);
      out.text(r.text());
    } else {
      others(reply, out);
    }
    out.raw(END);
  }

  /** The Identifier track's other replies: none of them is hot. */
  private static void others(Reply reply, Output out) {
    if (reply instanceof Reply.DecomposeOk r) {
      out.raw(DECOMPOSE_OK);
      replyIds(r, out);
      out.raw(TIMESTAMP_MS);
      out.decimal(r.timestampMs());
      out.raw(MACHINE_ID);
      out.decimal(r.machineId());
      out.raw(SEQUENCE);
      out.decimal(r.sequence());
    } else if (reply instanceof Reply.TimeInfoOk r) {
      out.raw(TIME_INFO_OK);
      replyIds(r, out);
      out.raw(CURRENT_MS);
      out.decimal(r.currentMs());
      out.raw(CUSTOM_EPOCH_MS);
      out.decimal(r.customEpochMs());
      out.raw(MAX_TIMESTAMP_MS);
      out.decimal(r.maxTimestampMs());
      out.raw(YEARS_REMAINING);
      out.decimal(r.yearsRemaining());
    } else if (reply instanceof Reply.VerifyIdsOk r) {
      out.raw(VERIFY_IDS_OK);
      replyIds(r, out);
      out.raw(COUNT);
      out.decimal(r.count());
      out.raw(UNIQUE);
      out.decimal(r.unique());
      out.raw(IS_SORTED);
      out.raw(r.isSorted() ? TRUE : FALSE);
      out.raw(DUPLICATES);
      for (int k = 0; k < r.duplicates().size(); k++) {
        if (k > 0) {
          out.byteAt(',');
        }
        IdValue v = r.duplicates().get(k);
        if (v.number()) {
          out.ascii(v.text());
        } else {
          out.text(v.text());
        }
      }
      out.byteAt(']');
    } else if (reply instanceof Reply.HlcTickOk r) {
      out.raw(HLC_TICK_OK);
      timestamp(r, r.pt(), r.lc(), out);
      if (r.driftMs() != null) {
        out.raw(DRIFT_MS);
        out.decimal(r.driftMs());
      }
    } else if (reply instanceof Reply.HlcGetOk r) {
      out.raw(HLC_GET_OK);
      timestamp(r, r.pt(), r.lc(), out);
    } else if (reply instanceof Reply.HlcReceiveOk r) {
      out.raw(HLC_RECEIVE_OK);
      timestamp(r, r.pt(), r.lc(), out);
    } else if (reply instanceof Reply.SimulateBackwardOk r) {
      out.raw(SIMULATE_BACKWARD_OK);
      replyIds(r, out);
    } else if (reply instanceof Reply.ParseHlcIdOk r) {
      out.raw(PARSE_HLC_ID_OK);
      timestamp(r, r.id().pt(), r.id().lc(), out);
      out.raw(NODE);
      out.text(r.id().node());
    } else {
      Reply.CompareIdsOk r = (Reply.CompareIdsOk) reply;
      out.raw(COMPARE_IDS_OK);
      replyIds(r, out);
      out.raw(COMPARISON);
      out.text(r.uuid());
      out.raw(UUID_PROPERTIES);
      out.byteAt('"'); // the table's id column is text, as on the track's page
      out.decimal(r.snowflake().value());
      out.byteAt('"');
      out.raw(SNOWFLAKE_PROPERTIES);
      id(r.hlc(), out);
      out.raw(HLC_PROPERTIES);
    }
  }

  private static void timestamp(Reply r, long pt, long lc, Output out) {
    replyIds(r, out);
    out.raw(PT);
    out.decimal(pt);
    out.raw(LC);
    out.decimal(lc);
  }

  private static void replyIds(Reply reply, Output out) {
    if (reply.inReplyTo() != null) {
      out.raw(IN_REPLY_TO);
      out.ascii(reply.inReplyTo());
    }
    out.raw(MSG_ID);
    out.decimal(reply.msgId());
  }

  /** Counter and HLC IDs are JSON strings, snowflakes JSON integers: one JSON type per run. */
  private static void id(Id id, Output out) {
    if (id instanceof SnowflakeId s) {
      out.decimal(s.value());
    } else if (id instanceof CounterId c) {
      out.byteAt('"');
      out.chars(c.node());
      out.byteAt('-');
      out.decimal(c.n());
      out.byteAt('"');
    } else {
      HlcId h = (HlcId) id;
      out.byteAt('"');
      out.decimal(h.pt());
      out.byteAt('_');
      out.decimal(h.lc());
      out.byteAt('_');
      out.chars(h.node());
      out.byteAt('"');
    }
  }

  /**
   * A batch's IDs, comma-separated, with no allocation per ID: the node's JSON text is encoded
   * once, and snowflakes, which mostly differ from the one before by 1, are written by {@link
   * Output#decimals}.
   */
  private static void ids(Reply.GenerateBatchOk r, Output out) {
    long[] ids = r.ids();
    int n = r.count();
    if (r.scheme() == Scheme.SNOWFLAKE) {
      out.decimals(ids, n);
      return;
    }
    byte[] node = out.encoded(r.node());
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        out.byteAt(',');
      }
      out.byteAt('"');
      out.id(r.scheme(), ids[k], node);
      out.byteAt('"');
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
