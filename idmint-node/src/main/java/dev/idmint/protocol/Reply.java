package dev.idmint.protocol;

import dev.idmint.id.Id;

/**
 * A message from the node, as {@link Codec#encode} writes it. {@code inReplyTo} is the request's
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
   * Answers {@code generate} with exactly type, in_reply_to, msg_id and id: a counter ID as a JSON
   * string, a snowflake ID as a JSON integer.
   */
  record GenerateOk(String src, String dest, String inReplyTo, long msgId, Id id)
      implements Reply {}

  /** An error reply; {@code code} is one of {@link ErrorCode}'s. */
  record Error(String src, String dest, String inReplyTo, long msgId, int code, String text)
      implements Reply {}
}
