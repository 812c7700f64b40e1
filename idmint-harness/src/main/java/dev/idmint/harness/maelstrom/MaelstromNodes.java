package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.ProcessKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maelstrom nodes as the cluster runs them: the program reads messages on stdin and prints them on
 * stdout, and is up once it answers init (sent from a fresh client) with init_ok.
 */
final class MaelstromNodes implements ProcessKind {
  private final Network net;
  private final List<String> command;

  /** This project's node's state directory, or null for another node. */
  private final Path ownState;

  private List<Object> ids = List.of();

  MaelstromNodes(Network net, List<String> command, Path ownState) {
    this.net = net;
    this.command = command;
    this.ownState = ownState;
  }

  @Override
  public void attach(ClusterNode[] nodes) {
    List<Object> names = new ArrayList<>();
    for (ClusterNode n : nodes) {
      names.add(n.id);
    }
    ids = List.copyOf(names);
    net.attach(nodes);
  }

  @Override
  public List<String> command(ClusterNode n) {
    return command;
  }

  @Override
  public void environment(ClusterNode n, Map<String, String> env) {
    if (ownState != null) {
      env.put("IDMINT_STATE_DIR", ownState.toString()); // the node names its files by node id
    }
  }

  @Override
  public boolean readsStdout() {
    return true;
  }

  @Override
  public void started(ClusterNode n, ClusterNode.Proc p) {
    NodePipe pipe = net.pipe(n.index);
    Thread reader = new Thread(() -> pipe.readLoop(p), "from-" + n.id + "-" + p.incarnation);
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends init from a fresh client; its first reply completes {@code p.up}. */
  @Override
  public long bringUp(ClusterNode n, ClusterNode.Proc p) {
    int client =
        net.addClient(
            (from, at, body, line, off, len) -> {
              if (!(body.inReplyTo() instanceof Long irt && irt == 1L && p.up.complete(body))) {
                net.unmatchedReply();
              }
            });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "init");
    body.put("msg_id", 1L);
    body.put("node_id", n.id);
    body.put("node_ids", new ArrayList<>(ids));
    byte[] init = net.clientMessage("c" + client, n.id, body);
    long sentAt = System.nanoTime();
    net.pipe(n.index).writeNow(p, init); // if the pipe broke, the process is gone: its exit ends it
    return sentAt;
  }

  @Override
  public String notUp(Object answer) {
    Envelope.Reply reply = (Envelope.Reply) answer;
    if ("init_ok".equals(reply.type())) {
      return null;
    }
    return "answered init with "
        + (reply.type() == null
            ? "a reply without a type"
            : "a reply of type \"" + reply.type() + "\"")
        + (reply.code() != null
            ? " (code "
                + Json.toJson(reply.code())
                + (reply.text() != null ? ": " + Json.toJson(reply.text()) : "")
                + ")"
            : "")
        + " instead of init_ok";
  }

  @Override
  public String upTimedOut(ClusterNode n) {
    return "did not answer init within 10 s (Maelstrom requires init_ok within 10 s)";
  }

  @Override
  public String exitedBeforeUp(int status) {
    return "exited with status " + status + " before answering init";
  }

  @Override
  public void wake(ClusterNode n) {
    net.pipe(n.index).wake();
  }
}
