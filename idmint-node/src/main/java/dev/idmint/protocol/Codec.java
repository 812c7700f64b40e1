package dev.idmint.protocol;

import dev.idmint.id.CounterId;
import dev.idmint.id.Id;
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
    } else if (reply instanceof Reply.InitOk r) {
      out.raw(INIT_OK);
      replyIds(r, out);
    } else {
      Reply.Error r = (Reply.Error) reply;
      out.raw(ERROR);
      replyIds(r, out);
      out.raw(CODE);
      out.decimal(r.code());
      out.raw(TEXT);
      out.string(r.text());
    }
    out.raw(END);
  }

  private static void replyIds(Reply reply, Output out) {
    if (reply.inReplyTo() != null) {
      out.raw(IN_REPLY_TO);
      out.ascii(reply.inReplyTo());
    }
    out.raw(MSG_ID);
    out.decimal(reply.msgId());
  }

  /** Counter IDs are JSON strings, snowflakes JSON integers: one JSON type per run. */
  private static void id(Id id, Output out) {
    if (id instanceof SnowflakeId s) {
      out.decimal(s.value());
    } else {
      CounterId c = (CounterId) id;
      out.byteAt('"');
      out.chars(c.node());
      out.byteAt('-');
      out.decimal(c.n());
      out.byteAt('"');
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
