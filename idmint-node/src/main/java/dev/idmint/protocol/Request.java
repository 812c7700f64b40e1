package dev.idmint.protocol;

import java.util.List;

/**
 * A message to the node, as {@link Codec#decode} reads it. {@code msgId} is the exact JSON integer
 * text it arrived with (so that any integer, 2^53+1 or larger, comes back unchanged as {@code
 * in_reply_to}), or null when it had none.
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

  /** A well-formed body of a type this node does not serve. */
  record Unsupported(String src, String dest, String msgId, String type) implements Request {}

  /** A body that cannot be served as it stands; {@code problem} says why. */
  record Malformed(String src, String dest, String msgId, String problem) implements Request {}
}
