package dev.idmint.protocol;

import dev.idmint.id.Id;
import java.util.List;

/**
 * A message body. Requests are what the node reads; replies are what it writes. A request's {@code
 * msgId} is the exact JSON integer text it arrived with (so that any integer, 2^53+1 or larger,
 * comes back unchanged as {@code in_reply_to}), or null when it had none.
 */
public sealed interface Body {
  /** The request's {@code msg_id} text, or null; replies return their {@code in_reply_to}. */
  String correlation();

  /** {@code init}: the node learns its id and the cluster's. */
  record Init(String msgId, String nodeId, List<String> nodeIds) implements Body {
    public Init {
      nodeIds = List.copyOf(nodeIds);
    }

    @Override
    public String correlation() {
      return msgId;
    }
  }

  /** {@code generate}: asks for one unique ID. */
  record Generate(String msgId) implements Body {
    @Override
    public String correlation() {
      return msgId;
    }
  }

  /** A well-formed body of a type this node does not serve. */
  record Unsupported(String msgId, String type) implements Body {
    @Override
    public String correlation() {
      return msgId;
    }
  }

  /** A body that cannot be served as it stands; {@code problem} says why. */
  record Malformed(String msgId, String problem) implements Body {
    @Override
    public String correlation() {
      return msgId;
    }
  }

  /** Answers {@code init}. */
  record InitOk(String inReplyTo, long msgId) implements Body {
    @Override
    public String correlation() {
      return inReplyTo;
    }
  }

  /** Answers {@code generate} with exactly type, in_reply_to, msg_id and id. */
  record GenerateOk(String inReplyTo, long msgId, Id id) implements Body {
    @Override
    public String correlation() {
      return inReplyTo;
    }
  }

  /** An error reply; {@code code} is one of {@link ErrorCode}'s. */
  record Error(String inReplyTo, long msgId, int code, String text) implements Body {
    @Override
    public String correlation() {
      return inReplyTo;
    }
  }
}
