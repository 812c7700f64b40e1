package dev.idmint.protocol;

import dev.idmint.id.HlcId;
import dev.idmint.id.SnowflakeId;
import java.util.List;

/**
 * A message to the node, as {@link Codec#decode} reads it. {@code msgId} is the exact JSON integer
 * text it arrived with (so that any integer, 2^53+1 or larger, comes back unchanged as {@code
 * in_reply_to}), or null when it had none. Fields are checked here: a body whose fields do not fit
 * its type decodes to {@link Malformed}.
 */
public sealed interface Request {
  String src();

  String dest();

  String msgId();

  /** {@code init}: the node learns its id and the cluster's. */
  record Init(String src, String dest, String msgId, String nodeId, List<String> nodeIds)
      implements Request {
    public Init {
      nodeIds = List.copyOf(nodeIds);
    }
  }

  /** {@code generate}: asks for one unique ID. */
  record Generate(String src, String dest, String msgId) implements Request {}

  /** {@code generate_batch}: asks for {@code count} IDs, 1 to {@link #MAX_COUNT}. */
  record GenerateBatch(String src, String dest, String msgId, int count) implements Request {
    public static final int MAX_COUNT = 100_000;
  }

  /** {@code decompose}: the fields of a snowflake ID. */
  record Decompose(String src, String dest, String msgId, SnowflakeId id) implements Request {}

  /** {@code time_info}: the snowflake layout's clock. */
  record TimeInfo(String src, String dest, String msgId) implements Request {}

  /** {@code verify_ids}: are these IDs unique and sorted? */
  record VerifyIds(String src, String dest, String msgId, List<IdValue> ids) implements Request {
    public VerifyIds {
      ids = List.copyOf(ids);
    }
  }

  /** {@code hlc_tick}: a local event on the node's hybrid logical clock. */
  record HlcTick(String src, String dest, String msgId) implements Request {}

  /** {@code hlc_get}: the clock's latest timestamp, without an event. */
  record HlcGet(String src, String dest, String msgId) implements Request {}

  /** {@code hlc_receive}: a message stamped (remotePt, remoteLc) arrived; the receive rule. */
  record HlcReceive(String src, String dest, String msgId, long remotePt, long remoteLc)
      implements Request {}

  /** {@code simulate_backward}: shifts the node's clock by {@code offsetMs}, back if negative. */
  record SimulateBackward(String src, String dest, String msgId, long offsetMs)
      implements Request {}

  /** {@code parse_hlc_id}: the fields of an HLC ID. */
  record ParseHlcId(String src, String dest, String msgId, HlcId id) implements Request {}

  /** {@code compare_ids}: one ID of each scheme, side by side. */
  record CompareIds(String src, String dest, String msgId) implements Request {}

  /** A well-formed body of a type this node does not serve. */
  record Unsupported(String src, String dest, String msgId, String type) implements Request {}

  /** A body that cannot be served as it stands; {@code problem} says why. */
  record Malformed(String src, String dest, String msgId, String problem) implements Request {}
}
