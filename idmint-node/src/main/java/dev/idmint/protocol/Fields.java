package dev.idmint.protocol;

import java.util.List;

/**
 * What a decoder extracted from one line, before interpretation. Both decoders fill one of these
 * and share {@link #toRequest()}, so the fast path and jackson-core cannot disagree on meaning.
 */
final class Fields {
  /** A field that was present but had the wrong JSON type. */
  static final Object WRONG_TYPE = new Object();

  String src;
  String dest;
  boolean body;

  /** Each is null when absent, {@link #WRONG_TYPE}, or the value: String or List of String. */
  Object type;

  Object msgId;
  Object nodeId;
  Object nodeIds;

  void clear() {
    src = dest = null;
    body = false;
    type = msgId = nodeId = nodeIds = null;
  }

  Request toRequest() throws MalformedLineException {
    if (src == null || dest == null || !body) {
      throw new MalformedLineException(
          "not a Maelstrom envelope: needs string \"src\", string \"dest\" and object \"body\"");
    }
    if (msgId == WRONG_TYPE) {
      return new Request.Malformed(src, dest, null, "msg_id must be an integer");
    }
    String id = (String) msgId;
    if (!(type instanceof String t)) {
      return new Request.Malformed(src, dest, id, "body needs a string \"type\"");
    }
    switch (t) {
      case "generate":
        return new Request.Generate(src, dest, id);
      case "init":
        if (!(nodeId instanceof String n) || n.isEmpty()) {
          return new Request.Malformed(src, dest, id, "init needs a non-empty string \"node_id\"");
        }
        if (!(nodeIds instanceof List<?> ids)) {
          return new Request.Malformed(
              src, dest, id, "init needs \"node_ids\", an array of strings");
        }
        @SuppressWarnings("unchecked")
        List<String> all = (List<String>) ids;
        // Maelstrom's contract: node_ids holds every node once, this one included.
        if (!all.contains(n)) {
          return new Request.Malformed(
              src, dest, id, "init: node_id \"" + n + "\" is not in node_ids");
        }
        if (new java.util.HashSet<>(all).size() != all.size()) {
          return new Request.Malformed(src, dest, id, "init: node_ids lists a node more than once");
        }
        return new Request.Init(src, dest, id, n, all);
      default:
        return new Request.Unsupported(src, dest, id, t);
    }
  }
}
