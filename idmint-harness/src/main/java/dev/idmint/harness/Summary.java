package dev.idmint.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary and verdict, in the words Maelstrom uses. */
final class Summary {
  private Summary() {}

  static final String VALID = "Everything looks good! ヽ(‘ー`)ノ";
  static final String INVALID = "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻";
  static final String UNKNOWN = "Errors occurred during analysis, but no anomalies found. ಠ~ಠ";

  /** The lines to print, the verdict last. */
  static List<String> lines(Checker.Result r, Path runDir) {
    Checker.Inputs in = r.in();
    Config c = in.config();
    List<String> out = new ArrayList<>();
    out.add("test         " + settings(c));
    if (!in.ranLoad()) {
      out.add("operations   none: the nodes did not all come up");
    } else {
      out.add(
          String.format(
              Locale.ROOT,
              "operations   %d attempted: %d ok, %d info, %d fail (%.1f/s asked, %.1f/s achieved)",
              r.attempted(),
              r.ok(),
              r.info(),
              r.fail(),
              c.rate(),
              r.achievedRate()));
      out.add("availability " + availability(r));
      out.add("ids          " + ids(r.ids()));
      out.add(
          "latency ms   ok "
              + quantiles(r.latency().all())
              + (c.nemesis().isEmpty()
                  ? ""
                  : "\n             during faults "
                      + quantiles(r.latency().duringFaults())
                      + "\n             outside faults "
                      + quantiles(r.latency().outsideFaults())));
      out.add("nemesis      " + nemesis(r));
      out.add("network      " + network(in.net()));
      String services = services(in.net());
      if (services != null) {
        out.add("services     " + services);
      }
    }
    out.add("protocol     " + protocol(in.net()));
    out.add(
        "nodes        "
            + (in.cluster().healthy()
                ? "no crashes, every init answered"
                : in.cluster().crashes().size()
                    + " crashed on their own, "
                    + in.cluster().initFailures().size()
                    + " failed init"));
    out.add(
        "store        "
            + runDir
            + "/ (results.json, history.jsonl, report.html, messages.svg, node-logs/)");
    out.add("");
    out.add(verdict(r));
    return out;
  }

  /** The test's settings on one line, seed included, so the run can be repeated. */
  private static String settings(Config c) {
    return "unique-ids, "
        + c.nodeCount()
        + " node"
        + (c.nodeCount() == 1 ? "" : "s")
        + ", "
        + num(c.timeLimit())
        + " s at "
        + num(c.rate())
        + "/s, concurrency "
        + c.concurrency()
        + (c.latencyMs() > 0
            ? ", latency " + num(c.latencyMs()) + " ms " + c.latencyDist().label()
            : "")
        + ", nemesis "
        + (c.nemesis().isEmpty()
            ? "none"
            : String.join(",", c.nemesis().stream().map(Fault::label).toList())
                + " every ~"
                + num(c.nemesisInterval())
                + " s")
        + ", seed "
        + c.seed();
  }

  private static String availability(Checker.Result r) {
    Double required = r.in().config().availability();
    return Checker.fraction(r.okFraction())
        + (required == null
            ? " (not checked: pass --availability total or a fraction)"
            : " (required "
                + (required == 1.0 ? "total" : Checker.fraction(required))
                + ": "
                + (r.availability() == Checker.Validity.TRUE ? "ok" : "FAILED")
                + ")");
  }

  private static String ids(Checker.Ids ids) {
    String line = ids.acknowledged() + " acknowledged, ";
    if (ids.duplicatedCount() > 0) {
      StringBuilder s = new StringBuilder(ids.duplicatedCount() + " DUPLICATED:");
      for (Map.Entry<Object, Integer> e :
          ids.duplicated().subList(0, Math.min(5, ids.duplicated().size()))) {
        s.append(' ').append(Json.toJson(e.getKey())).append(" ×").append(e.getValue());
      }
      line += s + (ids.duplicatedCount() > 5 ? " …" : "");
    } else {
      line += "all unique";
    }
    if (ids.range() != null) {
      line += "; range " + Json.toJson(ids.range()[0]) + " .. " + Json.toJson(ids.range()[1]);
    } else if (ids.error() != null) {
      line += "; " + ids.error();
    }
    return line;
  }

  private static String network(Network.Stats n) {
    boolean services = n.services().stream().anyMatch(s -> s.requests() > 0);
    return n.clientSent()
        + " client messages, "
        + n.serverSent()
        + (services ? " between nodes and services" : " between nodes")
        + (n.serverSent() > 0
            ? " ("
                + n.droppedByLoss()
                + " dropped by loss, "
                + n.droppedByPartition()
                + " by partitions)"
            : "")
        + (n.unmatchedReplies() > 0 ? "; " + n.unmatchedReplies() + " late replies ignored" : "");
  }

  /** What the nodes asked of Maelstrom's services, or null if nothing. */
  private static String services(Network.Stats n) {
    List<String> used = new ArrayList<>();
    for (ServiceNode.Stats s : n.services()) {
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

  private static String protocol(Network.Stats n) {
    if (n.violationCount() == 0) {
      return "no violations";
    }
    Violation first = n.violations().get(0);
    return n.violationCount()
        + " violation"
        + (n.violationCount() == 1 ? "" : "s")
        + ", first: "
        + first.node()
        + " "
        + first.message()
        + ": "
        + first.line();
  }

  /** The verdict line with its reasons in plain words. */
  static String verdict(Checker.Result r) {
    return switch (r.valid()) {
      case TRUE ->
          VALID
              + "  "
              + r.ids().acknowledged()
              + " acknowledged IDs, all unique; no protocol violations, crashes or failed inits"
              + (r.in().config().availability() != null ? "; availability as required" : "")
              + ".";
      case FALSE -> INVALID + "  " + String.join("; ", r.reasons()) + ".";
      case UNKNOWN -> UNKNOWN + "  " + String.join("; ", r.reasons()) + ".";
    };
  }

  static String quantiles(Checker.Quantiles q) {
    if (q.count() == 0) {
      return "(none)";
    }
    return "p50 "
        + num(q.p50())
        + "  p95 "
        + num(q.p95())
        + "  p99 "
        + num(q.p99())
        + "  max "
        + num(q.max())
        + "  ("
        + q.count()
        + " ops)";
  }

  private static String nemesis(Checker.Result r) {
    List<Nemesis.Entry> t = r.in().timeline();
    if (t.isEmpty()) {
      return "no faults";
    }
    Map<Fault, Integer> starts = new EnumMap<>(Fault.class);
    for (Nemesis.Entry e : t) {
      if (e.start()) {
        starts.merge(e.fault(), 1, Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>();
    starts.forEach((f, k) -> parts.add(f.label() + " ×" + k));
    return t.size() + " operations: " + String.join(", ", parts) + "; everything healed at the end";
  }

  /** A number without a pointless fraction: 12, 0.25, 1000. */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
