package dev.idmint.harness.http;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the clients and proxies saw.
 *
 * @param lb HAProxy's address, or null without it
 * @param lbExit HAProxy's exit status if it exited on its own, else null
 */
record HttpStats(
    List<Violation> violations,
    long violationCount,
    long requests,
    long connections,
    Map<Integer, Long> statuses,
    long refused,
    long resets,
    long closes,
    long unsolicited,
    List<Proxy.Stats> proxies,
    String lb,
    Integer lbExit)
    implements TransportStats {

  @Override
  public void addResults(Map<String, Object> results, int attempted) {
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("requests", requests);
    Map<String, Object> st = new LinkedHashMap<>();
    statuses.forEach((k, v) -> st.put(Integer.toString(k), v));
    http.put("responses_by_status", st);
    http.put("connections_opened", connections);
    http.put(
        "connection_errors", JsonMap.of("refused", refused, "reset", resets, "closed", closes));
    http.put("unsolicited_responses", unsolicited);
    http.put("load_balancer", lb == null ? null : JsonMap.of("haproxy", lb, "exit_status", lbExit));
    List<Object> px = new ArrayList<>();
    for (Proxy.Stats p : proxies) {
      px.add(
          JsonMap.of(
              "instance", p.instance(),
              "port", p.port(),
              "instance_port", p.targetPort(),
              "connections", p.accepted(),
              "refused_by_instance", p.refusedByInstance(),
              "requests_lost", p.lostRequests(),
              "responses_lost", p.lostResponses(),
              "cut_by_partition", p.cutByPartition()));
    }
    http.put("proxies", px);
    results.put("http", http);
  }

  @Override
  public String failure() {
    return lbExit == null ? null : "haproxy exited on its own with status " + lbExit;
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    StringBuilder s = new StringBuilder();
    statuses.forEach(
        (k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(" ×").append(v));
    long errors = refused + resets + closes;
    out.add(
        "http         "
            + requests
            + " requests on "
            + connections
            + " connections"
            + (lb != null ? " to haproxy" : "")
            + "; "
            + (s.length() == 0 ? "no responses" : "responses " + s)
            + (errors > 0
                ? "; "
                    + errors
                    + " connection errors ("
                    + refused
                    + " refused, "
                    + resets
                    + " reset, "
                    + closes
                    + " closed)"
                : ""));
    long lostReq = 0;
    long lostResp = 0;
    long cut = 0;
    long down = 0;
    for (Proxy.Stats p : proxies) {
      lostReq += p.lostRequests();
      lostResp += p.lostResponses();
      cut += p.cutByPartition();
      down += p.refusedByInstance();
    }
    out.add(
        String.format(
            Locale.ROOT,
            "proxies      %d requests and %d responses lost to resets, %d connections cut by"
                + " partitions, %d refused by an instance that was down",
            lostReq,
            lostResp,
            cut,
            down));
    if (lbExit != null) {
      out.add("haproxy      EXITED on its own with status " + lbExit);
    }
    return out;
  }
}
