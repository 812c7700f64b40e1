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
    out.add(
        "test         unique-ids, "
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
            + c.seed());
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
      out.add(
          "availability "
              + Checker.fraction(r.okFraction())
              + (c.availability() == null
                  ? " (not checked: pass --availability total or a fraction)"
                  : " (required "
                      + (c.availability() == 1.0 ? "total" : Checker.fraction(c.availability()))
                      + ": "
                      + (r.availability() == Checker.Validity.TRUE ? "ok" : "FAILED")
                      + ")"));
      Checker.Ids ids = r.ids();
      String idLine = "ids          " + ids.acknowledged() + " acknowledged, ";
      if (ids.duplicatedCount() > 0) {
        StringBuilder s = new StringBuilder(ids.duplicatedCount() + " DUPLICATED:");
        for (Map.Entry<Object, Integer> e :
            ids.duplicated().subList(0, Math.min(5, ids.duplicated().size()))) {
          s.append(' ').append(Json.toJson(e.getKey())).append(" ×").append(e.getValue());
        }
        idLine += s + (ids.duplicatedCount() > 5 ? " …" : "");
      } else {
        idLine += "all unique";
      }
      if (ids.range() != null) {
        idLine += "; range " + Json.toJson(ids.range()[0]) + " .. " + Json.toJson(ids.range()[1]);
      } else if (ids.error() != null) {
        idLine += "; " + ids.error();
      }
      out.add(idLine);
      out.add(
          "latency ms   ok "
              + quantiles(r.latency())
              + (c.nemesis().isEmpty()
                  ? ""
                  : "\n             during faults "
                      + quantiles(r.latencyDuringFaults())
                      + "\n             outside faults "
                      + quantiles(r.latencyOutsideFaults())));
      out.add("nemesis      " + nemesis(r));
      Map<String, Long> n = in.net();
      out.add(
          "network      "
              + n.get("client_sent")
              + " client messages, "
              + n.get("server_sent")
              + " between nodes"
              + (n.get("server_sent") > 0
                  ? " ("
                      + n.get("dropped_by_loss")
                      + " dropped by loss, "
                      + n.get("dropped_by_partition")
                      + " by partitions)"
                  : "")
              + (n.get("unmatched_replies") > 0
                  ? "; " + n.get("unmatched_replies") + " late replies ignored"
                  : ""));
    }
    out.add(
        "protocol     "
            + (in.violationCount() == 0
                ? "no violations"
                : in.violationCount()
                    + " violation"
                    + (in.violationCount() == 1 ? "" : "s")
                    + ", first: "
                    + in.violations().get(0).node()
                    + " "
                    + in.violations().get(0).message()
                    + ": "
                    + in.violations().get(0).line()));
    out.add(
        "nodes        "
            + (in.crashes().isEmpty() && in.initFailures().isEmpty()
                ? "no crashes, every init answered"
                : in.crashes().size()
                    + " crashed on their own, "
                    + in.initFailures().size()
                    + " failed init"));
    out.add("store        " + runDir + "/ (results.json, history.jsonl, report.html, node-logs/)");
    out.add("");
    out.add(verdict(r));
    return out;
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
