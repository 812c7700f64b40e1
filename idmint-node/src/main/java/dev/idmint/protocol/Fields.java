package dev.idmint.protocol;

import dev.idmint.id.HlcId;
import dev.idmint.id.SnowflakeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * What a decoder extracted from one line, before interpretation. Both decoders fill one of these
 * and share {@link #toRequest()}, so the fast path and jackson-core cannot disagree on meaning.
 */
final class Fields {
  /** A field, or an item of {@code ids}, that was present but had the wrong JSON type. */
  static final Object WRONG_TYPE = new Object();

  String src;
  String dest;
  boolean body;

  /**
   * Each is null when absent, {@link #WRONG_TYPE}, or the value: a String (for msg_id and the
   * integer fields, the exact text of a JSON integer), a List of String ({@code node_ids}), an
   * {@link IdValue} ({@code id}) or a List of IdValue and WRONG_TYPE items ({@code ids}).
   */
  Object type;

  Object msgId;
  Object nodeId;
  Object nodeIds;
  Object count;
  Object offsetMs;
  Object remotePt;
  Object remoteLc;
  Object id;
  Object ids;

  void clear() {
    src = dest = null;
    body = false;
    type = msgId = nodeId = nodeIds = null;
    count = offsetMs = remotePt = remoteLc = id = ids = null;
  }

  Request toRequest() throws MalformedLineException {
    if (src == null || dest == null || !body) {
      throw new MalformedLineException(
          "not a Maelstrom envelope: needs string \"src\", string \"dest\" and object \"body\"");
    }
    if (msgId == WRONG_TYPE) {
      return new Request.Malformed(src, dest, null, "msg_id must be an integer");
    }
    String m = (String) msgId;
    if (!(type instanceof String t)) {
      return new Request.Malformed(src, dest, m, "body needs a string \"type\"");
    }
    // The hot path first: one equals (of the decoder's cached String, not the literal, so it
    // compares the bytes), no switch. The rest is another method: C1 compiles only what generate
    // lines run through.
    if (t.equals("generate")) {
      return new Request.Generate(src, dest, m);
    }
    return typed(m, t);
  }

  private Request typed(String m, String t) {
    switch (t) {
      case "init":
        return init(m);
      case "generate_batch":
        {
          long n = integer(count, 1, Request.GenerateBatch.MAX_COUNT);
          if (n == NONE) {
            return malformed(
                m, t, "count", count, "an integer from 1 to " + Request.GenerateBatch.MAX_COUNT);
          }
          return new Request.GenerateBatch(src, dest, m, (int) n);
        }
      case "decompose":
        {
          Object text = id instanceof IdValue v && v.number() ? v.text() : id;
          long n = integer(text, 0, Long.MAX_VALUE);
          if (n == NONE) {
            return malformed(
                m, t, "id", text, "a snowflake ID: an integer from 0 to " + Long.MAX_VALUE);
          }
          return new Request.Decompose(src, dest, m, new SnowflakeId(n));
        }
      case "time_info":
        return new Request.TimeInfo(src, dest, m);
      case "verify_ids":
        return verifyIds(m);
      case "hlc_tick":
        return new Request.HlcTick(src, dest, m);
      case "hlc_get":
        return new Request.HlcGet(src, dest, m);
      case "hlc_receive":
        {
          long pt = integer(remotePt, 0, HlcId.MAX_PT);
          if (pt == NONE) {
            return malformed(
                m, t, "remote_pt", remotePt, "an integer from 0 to " + HlcId.MAX_PT + " (ms)");
          }
          long lc = integer(remoteLc, 0, HlcId.MAX_LC);
          if (lc == NONE) {
            return malformed(m, t, "remote_lc", remoteLc, "an integer from 0 to " + HlcId.MAX_LC);
          }
          return new Request.HlcReceive(src, dest, m, pt, lc);
        }
      case "simulate_backward":
        {
          long offset = integer(offsetMs, Long.MIN_VALUE + 1, Long.MAX_VALUE);
          if (offset == NONE) {
            return malformed(m, t, "offset_ms", offsetMs, "an integer number of ms");
          }
          return new Request.SimulateBackward(src, dest, m, offset);
        }
      case "parse_hlc_id":
        if (!(id instanceof IdValue v) || v.number()) {
          return malformed(m, t, "id", null, "a string <pt>_<lc>_<node>");
        }
        try {
          return new Request.ParseHlcId(src, dest, m, HlcId.parse(v.text()));
        } catch (IllegalArgumentException e) {
          return new Request.Malformed(src, dest, m, "parse_hlc_id: " + e.getMessage());
        }
      case "compare_ids":
        return new Request.CompareIds(src, dest, m);
      default:
        return new Request.Unsupported(src, dest, m, t);
    }
  }

  private Request init(String m) {
    if (!(nodeId instanceof String n) || n.isEmpty()) {
      return new Request.Malformed(src, dest, m, "init needs a non-empty string \"node_id\"");
    }
    if (!(nodeIds instanceof List<?> ids)) {
      return new Request.Malformed(src, dest, m, "init needs \"node_ids\", an array of strings");
    }
    @SuppressWarnings("unchecked")
    List<String> all = (List<String>) ids;
    // Maelstrom's contract: node_ids holds every node once, this one included.
    if (!all.contains(n)) {
      return new Request.Malformed(src, dest, m, "init: node_id \"" + n + "\" is not in node_ids");
    }
    if (new HashSet<>(all).size() != all.size()) {
      return new Request.Malformed(src, dest, m, "init: node_ids lists a node more than once");
    }
    return new Request.Init(src, dest, m, n, all);
  }

  private Request verifyIds(String m) {
    if (!(ids instanceof List<?> items)) {
      return malformed(m, "verify_ids", "ids", null, "an array of IDs (numbers or strings)");
    }
    List<IdValue> values = new ArrayList<>(items.size());
    for (int k = 0; k < items.size(); k++) {
      if (!(items.get(k) instanceof IdValue v)) {
        return new Request.Malformed(
            src, dest, m, "verify_ids: ids[" + k + "] is not an ID: IDs are numbers or strings");
      }
      values.add(v);
    }
    return new Request.VerifyIds(src, dest, m, values);
  }

  /** Marks a missing, mistyped or out-of-range integer; never a value in any range used here. */
  private static final long NONE = Long.MIN_VALUE;

  /** The integer in {@code text} if it is one from min to max, else {@link #NONE}. */
  private static long integer(Object text, long min, long max) {
    if (!(text instanceof String s)) {
      return NONE;
    }
    try {
      long v = Long.parseLong(s);
      return v >= min && v <= max ? v : NONE;
    } catch (NumberFormatException e) {
      return NONE; // beyond 64 bits
    }
  }

  private Request malformed(String m, String type, String field, Object given, String expected) {
    return new Request.Malformed(
        src,
        dest,
        m,
        type
            + " needs \""
            + field
            + "\", "
            + expected
            + (given instanceof String s ? "; got " + s : ""));
  }
}
