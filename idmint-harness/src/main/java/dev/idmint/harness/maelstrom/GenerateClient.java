package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Workload;

/**
 * A worker's client connection: completes its generate requests from the node's replies, each
 * checked against Maelstrom's schemas. A reply that breaks them is a protocol violation, and the
 * request an info ({@code malformed-rpc-response}), as in Maelstrom.
 */
final class GenerateClient implements Network.Endpoint {
  private final Network net;
  private final Workload workload;
  private final Workload.Worker worker;

  GenerateClient(Network net, Workload workload, Workload.Worker worker) {
    this.net = net;
    this.workload = workload;
    this.worker = worker;
  }

  @Override
  public void receive(NodePipe from, long at, Envelope.Reply body, byte[] line, int off, int len) {
    Object irt = body.inReplyTo();
    if (!Json.isInteger(irt)) {
      net.violations()
          .report(
              from,
              "malformed-reply",
              "sent " + worker.client + " a message without an integer in_reply_to",
              false,
              line,
              off,
              len);
      return;
    }
    Op op = worker.current;
    if (op == null || !(irt instanceof Long r && r == op.msgId)) {
      net.unmatchedReply(); // a late reply: Maelstrom's client skips these too
      return;
    }
    String problem = complete(op, at, body);
    if (problem != null) {
      net.violations()
          .report(
              from, "malformed-reply", "sent a malformed reply: " + problem, false, line, off, len);
      workload.complete(op, Op.INFO, at, null, "malformed-rpc-response", -1, problem);
    }
  }

  /** Completes {@code op} from a well-formed reply; returns what is wrong with it otherwise. */
  private String complete(Op op, long at, Envelope.Reply body) {
    String type = body.type();
    if ("generate_ok".equals(type)) {
      String problem = generateOkProblem(body);
      if (problem == null) {
        workload.complete(op, Op.OK, at, body.id(), null, -1, null);
      }
      return problem;
    }
    if ("error".equals(type)) {
      if (!(body.code() instanceof Long c && c == (int) (long) c)) {
        return "error reply without an integer code";
      }
      int code = (int) (long) c;
      Object text = body.text();
      workload.complete(
          op,
          ErrorCode.isDefinite(code) ? Op.FAIL : Op.INFO,
          at,
          null,
          ErrorCode.name(code),
          code,
          text instanceof String s ? s : text == null ? null : Json.toJson(text));
      return null;
    }
    return type == null
        ? "reply without a string type"
        : "reply of type \"" + type + "\" to a generate request";
  }

  /** What breaks Maelstrom's generate_ok schema, or null. */
  static String generateOkProblem(Envelope.Reply body) {
    if (body.extraKey() != null) {
      return "generate_ok has an extra key \""
          + body.extraKey()
          + "\" (the schema allows only type, in_reply_to, msg_id and id)";
    }
    if (body.id() == null) {
      return "generate_ok has no id";
    }
    if (body.msgId() != null && !Json.isInteger(body.msgId())) {
      return "generate_ok's msg_id is not an integer";
    }
    return null;
  }
}
