package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network's counters and protocol violations at one moment.
 *
 * @param serverSent messages sent by nodes and services to nodes and services, as Maelstrom's net
 *     checker counts servers
 * @param unmatchedReplies replies to requests their client already gave up on, or never sent
 * @param violations the first violations, up to a thousand
 */
record NetStats(
    long clientSent,
    long clientReceived,
    long serverSent,
    long serverReceived,
    long droppedByLoss,
    long droppedByPartition,
    long unmatchedReplies,
    List<Violation> violations,
    long violationCount,
    List<ServiceNode.Stats> services)
    implements TransportStats {

  /** Maelstrom's net checker: message counts for clients and servers, and what was dropped. */
  @Override
  public void addResults(Map<String, Object> results, int attempted) {
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("valid", true);
    net.put("all", netCounts(clientSent + serverSent, clientReceived + serverReceived, attempted));
    net.put("clients", netCounts(clientSent, clientReceived, attempted));
    net.put("servers", netCounts(serverSent, serverReceived, attempted));
    net.put("dropped_by_loss", droppedByLoss);
    net.put("dropped_by_partition", droppedByPartition);
    net.put("unmatched_replies", unmatchedReplies);
    List<Object> svc = new ArrayList<>();
    for (ServiceNode.Stats s : services) {
      svc.add(
          JsonMap.of(
              "service", s.name(),
              "requests", s.requests(),
              "ignored", s.unhandled(),
              "first_ignored", s.firstUnhandled()));
    }
    net.put("services", svc);
    results.put("net", net);
  }

  private static Map<String, Object> netCounts(long sent, long received, int ops) {
    return JsonMap.of(
        "send_count", sent,
        "recv_count", received,
        "msg_count", sent,
        "msgs_per_op", ops == 0 ? 0.0 : JsonMap.round((double) sent / ops, 4));
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add("network      " + networkLine());
    String used = servicesLine();
    if (used != null) {
      out.add("services     " + used);
    }
    return out;
  }

  private String networkLine() {
    boolean usedServices = services.stream().anyMatch(s -> s.requests() > 0);
    return clientSent
        + " client messages, "
        + serverSent
        + (usedServices ? " between nodes and services" : " between nodes")
        + (serverSent > 0
            ? " (" + droppedByLoss + " dropped by loss, " + droppedByPartition + " by partitions)"
            : "")
        + (unmatchedReplies > 0 ? "; " + unmatchedReplies + " late replies ignored" : "");
  }

  /** What the nodes asked of Maelstrom's services, or null if nothing. */
  private String servicesLine() {
    List<String> used = new ArrayList<>();
    for (ServiceNode.Stats s : services) {
      if (s.requests() > 0) {
        used.add(
            s.name()
                + " "
                + s.requests()
                + " requests"
                + (s.unhandled() > 0 ? " (" + s.unhandled() + " ignored: no case for them)" : ""));
      }
    }
    return used.isEmpty() ? null : String.join(", ", used);
  }
}
