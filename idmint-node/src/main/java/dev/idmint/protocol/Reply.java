package dev.idmint.protocol;

import dev.idmint.id.HlcId;
import dev.idmint.id.Id;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.util.List;

/**
 * A message from the node, as {@link Codec#encode} writes it: {@code type}, {@code in_reply_to},
 * {@code msg_id}, then the fields in the order of the record. {@code inReplyTo} is the request's
 * {@code msg_id} text, or null to leave {@code in_reply_to} out; {@code msgId} counts the node's
 * messages.
 */
public sealed interface Reply {
  String src();

  String dest();

  String inReplyTo();

  long msgId();

  /** Answers {@code init}. */
  record InitOk(String src, String dest, String inReplyTo, long msgId) implements Reply {}

  /**
   * Answers {@code generate} with exactly type, in_reply_to, msg_id and id: a counter or HLC ID as
   * a JSON string, a snowflake ID as a JSON integer.
   */
  record GenerateOk(String src, String dest, String inReplyTo, long msgId, Id id)
      implements Reply {}

  /**
   * Answers {@code generate_batch}: {@code ids[0]} to {@code ids[count - 1]} as an IdGenerator's
   * {@code nextLongs} gave them for {@code scheme} and {@code node}, and the largest sequence, n or
   * lc among them. The array is the node's to reuse once the reply is encoded.
   */
  record GenerateBatchOk(
      String src,
      String dest,
      String inReplyTo,
      long msgId,
      Scheme scheme,
      String node,
      long[] ids,
      int count,
      long maxSequence)
      implements Reply {}

  /** Answers {@code decompose}: a snowflake ID's fields, the time in ms since 1970. */
  record DecomposeOk(
      String src,
      String dest,
      String inReplyTo,
      long msgId,
      long timestampMs,
      int machineId,
      int sequence)
      implements Reply {}

  /** Answers {@code time_info}. */
  record TimeInfoOk(
      String src,
      String dest,
      String inReplyTo,
      long msgId,
      long currentMs,
      long customEpochMs,
      long maxTimestampMs,
      long yearsRemaining)
      implements Reply {}

  /** Answers {@code verify_ids}. */
  record VerifyIdsOk(
      String src,
      String dest,
      String inReplyTo,
      long msgId,
      int count,
      int unique,
      boolean isSorted,
      List<IdValue> duplicates)
      implements Reply {}

  /** Answers {@code hlc_tick}; {@code driftMs} is left out while null (before any clock shift). */
  record HlcTickOk(
      String src, String dest, String inReplyTo, long msgId, long pt, long lc, Long driftMs)
      implements Reply {}

  /** Answers {@code hlc_get}. */
  record HlcGetOk(String src, String dest, String inReplyTo, long msgId, long pt, long lc)
      implements Reply {}

  /** Answers {@code hlc_receive}. */
  record HlcReceiveOk(String src, String dest, String inReplyTo, long msgId, long pt, long lc)
      implements Reply {}

  /** Answers {@code simulate_backward}. */
  record SimulateBackwardOk(String src, String dest, String inReplyTo, long msgId)
      implements Reply {}

  /** Answers {@code parse_hlc_id}: pt, lc and node. */
  record ParseHlcIdOk(String src, String dest, String inReplyTo, long msgId, HlcId id)
      implements Reply {}

  /** Answers {@code compare_ids}: a v4 UUID, a snowflake and an HLC ID, with their properties. */
  record CompareIdsOk(
      String src,
      String dest,
      String inReplyTo,
      long msgId,
      String uuid,
      SnowflakeId snowflake,
      HlcId hlc)
      implements Reply {}

  /** An error reply; {@code code} is one of {@link ErrorCode}'s. */
  record Error(String src, String dest, String inReplyTo, long msgId, int code, String text)
      implements Reply {}
}
