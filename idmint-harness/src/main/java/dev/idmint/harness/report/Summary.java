package dev.idmint.harness.report;

import dev.idmint.harness.check.Ids;
import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Instance;
import dev.idmint.harness.check.Quantiles;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.check.Validity;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.text.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary and verdict, in the words Maelstrom uses. */
public final class Summary {
  private Summary() {}

  static final String VALID = "Everything looks good! ヽ(‘ー`)ノ";
  static final String INVALID = "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻";
  static final String UNKNOWN = "Errors occurred during analysis, but no anomalies found. ಠ~ಠ";

  /** The lines to print, the verdict last. */
  public static List<String> lines(Result r, Path runDir) {
    Inputs in = r.in();
    Config c = in.config();
    boolean http = c.http() != null;
    List<String> out = new ArrayList<>();
    out.add("test         " + settings(c));
    if (!in.ranLoad()) {
      out.add("operations   none: the " + (http ? "instances" : "nodes") + " did not all come up");
    } else {
      out.addAll(load(r, http));
    }
    out.add("protocol     " + protocol(in.net()));
    out.add((http ? "instances    " : "nodes        ") + processes(in, http));
    out.add(
        "store        "
            + runDir
            + "/ (results.json, history.jsonl, report.html, "
            + (http ? "" : "messages.svg, ")
            + "node-logs/)");
    out.add("");
    out.add(verdict(r));
    return out;
  }

  /** What the load did: operations, availability, IDs, latency, faults, workers and network. */
  private static List<String> load(Result r, boolean http) {
    Inputs in = r.in();
    Config c = in.config();
    List<String> out = new ArrayList<>();
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
    if (http) {
      out.add("order        " + order(r.instances()));
    }
    out.add(
        "latency ms   ok "
            + quantiles(r.latency().all())
            + (c.nemesis().isEmpty()
                ? ""
                : "\n             during faults "
                    + quantiles(r.latency().duringFaults())
                    + "\n             outside faults "
                    + quantiles(r.latency().outsideFaults())));
    for (Instance i : r.instances()) {
      out.add("             " + i.name() + " " + quantiles(i.latency()));
    }
    out.add("nemesis      " + nemesis(r));
    if (in.registry() != null) {
      out.addAll(Workers.summary(r));
    }
    out.addAll(in.net().summary());
    return out;
  }

  /** Whether the nodes or instances stayed up and came up. */
  private static String processes(Inputs in, boolean http) {
    if (!in.cluster().healthy()) {
      return in.cluster().crashes().size()
          + " crashed on their own, "
          + in.cluster().initFailures().size()
          + (http ? " never became ready" : " failed init");
    }
    if (!http) {
      return "no crashes, every init answered";
    }
    return in.config().registry() == null
        ? "no crashes, every instance became ready"
        : "no crashes, every instance came up (ready, or standing by for a worker)";
  }

  /**
   * Whether each instance's IDs strictly increase in the order it issued them: reported, not part
   * of the verdict.
   */
  static String order(List<Instance> instances) {
    List<String> bad = new ArrayList<>();
    Instance first = null;
    for (Instance i : instances) {
      if (i.orderViolations() > 0) {
        bad.add(i.name() + " ×" + i.orderViolations());
        if (first == null || i.firstViolation().invokeAt < first.firstViolation().invokeAt) {
          first = i;
        }
      }
    }
    if (first == null) {
      return "each instance's IDs strictly increase, across its restarts (reported, not judged)";
    }
    return "IDs went back on "
        + String.join(", ", bad)
        + " (reported, not judged); first: "
        + first.name()
        + " answered "
        + Json.toJson(first.firstViolation().value())
        + " to a request sent after it had answered "
        + Json.toJson(first.after().value());
  }

  /** The test's settings on one line, seed included, so the run can be repeated. */
  private static String settings(Config c) {
    return "unique-ids"
        + (c.http() == null ? ", " : c.http().lb() ? " over HTTP behind haproxy, " : " over HTTP, ")
        + (c.registry() == null ? "" : "workers from etcd, ")
        + c.nodeCount()
        + (c.http() == null ? " node" : " instance")
        + (c.nodeCount() == 1 ? "" : "s")
        + ", "
        + Text.num(c.timeLimit())
        + " s at "
        + Text.num(c.rate())
        + "/s, concurrency "
        + c.concurrency()
        + (c.latencyMs() > 0
            ? ", latency " + Text.num(c.latencyMs()) + " ms " + c.latencyDist().label()
            : "")
        + ", nemesis "
        + (c.nemesis().isEmpty()
            ? "none"
            : String.join(",", c.nemesis().stream().map(Fault::label).toList())
                + " every ~"
                + Text.num(c.nemesisInterval())
                + " s")
        + ", seed "
        + c.seed();
  }

  private static String availability(Result r) {
    Double required = r.in().config().availability();
    return Text.fraction(r.okFraction())
        + (required == null
            ? " (not checked: pass --availability total or a fraction)"
            : " (required "
                + (required == 1.0 ? "total" : Text.fraction(required))
                + ": "
                + (r.availability() == Validity.TRUE ? "ok" : "FAILED")
                + ")");
  }

  private static String ids(Ids ids) {
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

  private static String protocol(TransportStats n) {
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
  static String verdict(Result r) {
    return switch (r.valid()) {
      case TRUE ->
          VALID
              + "  "
              + r.ids().acknowledged()
              + " acknowledged IDs, all unique; no protocol violations, crashes or "
              + (r.in().config().http() == null
                  ? "failed inits"
                  : r.in().config().registry() == null
                      ? "instances that were not ready"
                      : "instances that did not come up")
              + (r.in().config().availability() != null ? "; availability as required" : "")
              + ".";
      case FALSE -> INVALID + "  " + String.join("; ", r.reasons()) + ".";
      case UNKNOWN -> UNKNOWN + "  " + String.join("; ", r.reasons()) + ".";
    };
  }

  static String quantiles(Quantiles q) {
    if (q.count() == 0) {
      return "(none)";
    }
    return "p50 "
        + Text.num(q.p50())
        + "  p95 "
        + Text.num(q.p95())
        + "  p99 "
        + Text.num(q.p99())
        + "  max "
        + Text.num(q.max())
        + "  ("
        + q.count()
        + " ops)";
  }

  private static String nemesis(Result r) {
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
}
