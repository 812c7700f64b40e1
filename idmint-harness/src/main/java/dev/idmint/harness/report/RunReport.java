package dev.idmint.harness.report;

import dev.idmint.harness.check.Checker;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * report.html: one self-contained page (inline SVG and CSS, nothing fetched) with the verdict,
 * latency over time coloured by outcome, throughput, and the nemesis periods shaded and labelled.
 */
public final class RunReport {
  private RunReport() {}

  /** More points than this make the page slow; ok points are then thinned evenly, others kept. */
  static final int MAX_POINTS = 20_000;

  static final Map<Fault, String> FAULT_COLOURS = new EnumMap<>(Fault.class);

  static {
    // Jepsen's perf-graph colours for these faults; loss takes its packet fault's.
    FAULT_COLOURS.put(Fault.PARTITION, "#E9DCA0");
    FAULT_COLOURS.put(Fault.KILL, "#E9A4A0");
    FAULT_COLOURS.put(Fault.CLOCK, "#A0E9E3");
    FAULT_COLOURS.put(Fault.LOSS, "#D1E8A0");
  }

  private static final int W = 960;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int ROW = 15;

  public static void write(Checker.Result r, List<String> summary, String messages, Path file)
      throws IOException {
    Files.writeString(file, html(r, summary, messages), StandardCharsets.UTF_8);
  }

  /**
   * @param messages the message-flow diagram, an SVG element; null with none (HTTP services)
   */
  static String html(Checker.Result r, List<String> summary, String messages) {
    Checker.Inputs in = r.in();
    StringBuilder h = new StringBuilder(1 << 20);
    String cls =
        switch (r.valid()) {
          case TRUE -> "valid";
          case FALSE -> "invalid";
          case UNKNOWN -> "unknown";
        };
    head(h, cls);
    Config.Http http = in.config().http();
    h.append("<h1>idmint test · unique-ids")
        .append(http == null ? "" : http.lb() ? " over HTTP behind haproxy" : " over HTTP")
        .append(" · ")
        .append(esc(in.config().nodeCount() + (http == null ? " nodes" : " instances")))
        .append("</h1>\n");
    h.append("<div class=\"verdict ")
        .append(cls)
        .append("\" id=\"verdict\">")
        .append(esc(Summary.verdict(r)))
        .append("</div>\n");
    if (in.ranLoad()) {
      h.append("<h2>Latency over time</h2>\n");
      latencyPlot(h, r);
      legend(h, r);
      h.append("<h2>Throughput</h2>\n");
      ratePlot(h, r);
      instancesTable(h, r);
    }
    h.append("<h2>Summary</h2>\n<pre>").append(esc(String.join("\n", summary))).append("</pre>\n");
    if (in.ranLoad() && messages != null) {
      messagesSection(h, in, messages);
    }
    nemesisTable(h, in);
    violationsTable(h, in);
    nodeFailures(h, in.cluster());
    h.append(
            "<h2>Files</h2>\n<p><a href=\"results.json\">results.json</a> · <a href=\"history.jsonl\">history.jsonl</a> · ")
        .append(messages != null ? "<a href=\"messages.svg\">messages.svg</a> · " : "")
        .append(in.config().logging().net() ? "<a href=\"net.jsonl\">net.jsonl</a> · " : "")
        .append("<a href=\"node-logs/\">node-logs/</a></p>\n</body></html>\n");
    return h.toString();
  }

  /** The document's head and inline style, up to the opening body. */
  private static void head(StringBuilder h, String cls) {
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>idmint test: ")
        .append(cls)
        .append("</title>\n<style>\n")
        .append(
            "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;margin:24px auto;max-width:1000px;padding:0 12px}\n")
        .append("h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:24px 0 8px}\n")
        .append(".verdict{padding:12px 16px;border-radius:6px;font-size:16px;margin-bottom:16px}\n")
        .append(
            ".valid{background:#e3f6e3;border:1px solid #7bc47b}.invalid{background:#fde2e2;border:1px solid #e07a7a}")
        .append(".unknown{background:#fff3d6;border:1px solid #e0b45a}\n")
        .append(
            "pre{background:#f6f6f6;padding:10px;overflow-x:auto;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}\n")
        .append(
            "table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}\n")
        .append(
            "svg{background:#fff;border:1px solid #ddd}svg text{font:11px system-ui,sans-serif;fill:#333}\n")
        .append(".axis{stroke:#888;stroke-width:1}.grid{stroke:#eee;stroke-width:1}\n")
        .append("circle.ok{fill:#81BFFC}circle.info{fill:#FFA400}circle.fail{fill:#FF1E90}\n")
        .append(
            "polyline.ok{stroke:#81BFFC}polyline.info{stroke:#FFA400}polyline.fail{stroke:#FF1E90}polyline{fill:none;stroke-width:1.5}\n")
        .append(
            ".legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}\n")
        .append("code{font:12px ui-monospace,Menlo,Consolas,monospace}\n")
        .append(".flow{max-height:900px;overflow:auto;border:1px solid #ddd}.flow svg{border:0}\n")
        .append("</style></head><body>\n");
  }

  /**
   * Per HTTP instance: the latency of every request it answered over time, with the fault periods
   * shaded, then a table of its outcomes, latency quantiles and the order of its IDs.
   */
  private static void instancesTable(StringBuilder h, Checker.Result r) {
    if (r.instances().isEmpty()) {
      return;
    }
    Checker.Inputs in = r.in();
    double tMax = Math.max(1e-3, (in.end() - in.t0()) / 1e9);
    int[] decades = decades(in.ops());
    int n = r.instances().size();
    h.append("<h2 id=\"instances\">Latency per instance</h2>\n");
    for (int i = 0; i < n; i++) {
      int instance = i;
      List<Op> mine = in.ops().stream().filter(o -> o.servedBy() == instance).toList();
      int top = 8;
      int bottom = 110;
      h.append("<svg class=\"instance\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
          .append(W)
          .append("\" height=\"")
          .append(bottom + 40)
          .append("\" viewBox=\"0 0 ")
          .append(W)
          .append(' ')
          .append(bottom + 40)
          .append("\" role=\"img\" aria-label=\"latency of the requests ")
          .append(esc(r.instances().get(i).name()))
          .append(" answered\">\n");
      faultBands(h, r, tMax, top, bottom);
      for (int d = decades[0]; d <= decades[1]; d++) {
        gridLine(h, y(d, decades[0], decades[1], top, bottom), msLabel(d));
      }
      axes(h, top, bottom, tMax, r.instances().get(i).name());
      points(h, in, mine, MAX_POINTS / n, tMax, decades[0], decades[1], top, bottom);
      h.append("</svg>\n");
    }
    h.append("<table><tr><th>instance</th>")
        .append("<th>ok</th><th>info</th><th>fail</th>")
        .append("<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th>")
        .append("<th>IDs strictly increase</th></tr>\n");
    for (Checker.Instance i : r.instances()) {
      Checker.Quantiles q = i.latency();
      h.append("<tr><td>")
          .append(esc(i.name()))
          .append("</td><td>")
          .append(q.count())
          .append("</td><td>")
          .append(i.info())
          .append("</td><td>")
          .append(i.fail())
          .append("</td><td>")
          .append(Text.num(q.p50()))
          .append("</td><td>")
          .append(Text.num(q.p95()))
          .append("</td><td>")
          .append(Text.num(q.p99()))
          .append("</td><td>")
          .append(Text.num(q.max()))
          .append("</td><td>")
          .append(
              i.orderViolations() == 0
                  ? "yes"
                  : esc(
                      "no: "
                          + i.orderViolations()
                          + " went back, first "
                          + Json.toJson(i.firstViolation().value())
                          + " after "
                          + Json.toJson(i.after().value())))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p class=\"legend\">Latency is of the ok requests. Info and fail count ")
        .append("the requests that ended so at this instance")
        .append(
            r.in().config().http().lb() ? " as HAProxy named it (its own errors are not here)" : "")
        .append(". Whether IDs increase is reported, not judged: the verdict is about duplicates. ")
        .append("An ID went back when it is not above every ID the instance had answered before ")
        .append("the request was sent.</p>\n");
  }

  /** The message-flow diagram, scrolling in a box of its own, with how to read it. */
  private static void messagesSection(StringBuilder h, Checker.Inputs in, String messages) {
    h.append("<h2 id=\"flow\">Messages</h2>\n<p class=\"legend\">")
        .append(esc(in.flows().size() >= Traffic.FLOW_LIMIT ? "The load's first " : "All "))
        .append(in.flows().size())
        .append(
            " messages (init left out), a lane per client, node and service, time going down."
                + " Arrows: <i class=\"sw\" style=\"background:#81BFFC\"></i>to or from a client ")
        .append("<i class=\"sw\" style=\"background:#222\"></i>between nodes and services ")
        .append("<i class=\"sw\" style=\"background:#FF1E90\"></i>error ")
        .append(
            "<i class=\"sw\" style=\"background:#D62728\"></i>dropped (✕: by loss when sent,"
                + " by a partition on delivery) ")
        .append(
            "<i class=\"sw\" style=\"background:#999\"></i>never delivered; shaded rows:"
                + " partitions. Hover an arrow for the message.</p>\n")
        .append("<div class=\"flow\">")
        .append(messages)
        .append("</div>\n");
  }

  private static void nemesisTable(StringBuilder h, Checker.Inputs in) {
    if (in.timeline().isEmpty()) {
      return;
    }
    h.append(
        "<h2>Nemesis</h2>\n<table><tr><th>time (s)</th><th>fault</th><th>operation</th><th>what happened</th></tr>\n");
    for (Nemesis.Entry e : in.timeline()) {
      h.append("<tr><td>")
          .append(Text.fixed((e.at() - in.t0()) / 1e9, 3))
          .append("</td><td>")
          .append(e.fault().label())
          .append("</td><td><code>")
          .append(esc(e.f()))
          .append("</code></td><td>")
          .append(esc(e.summary()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void violationsTable(StringBuilder h, Checker.Inputs in) {
    List<Violation> violations = in.net().violations();
    if (violations.isEmpty()) {
      return;
    }
    h.append("<h2>Protocol violations (")
        .append(in.net().violationCount())
        .append(")</h2>\n")
        .append("<table><tr><th>time (s)</th><th>node</th><th>problem</th><th>line</th></tr>\n");
    for (Violation v : violations.subList(0, Math.min(100, violations.size()))) {
      h.append("<tr><td>")
          .append(in.ranLoad() ? Text.fixed((v.at() - in.t0()) / 1e9, 3) : "")
          .append("</td><td>")
          .append(esc(v.node()))
          .append("</td><td>")
          .append(esc(v.message()))
          .append(v.killsOutput() ? " <b>(stopped reading its stdout)</b>" : "")
          .append("</td><td><code>")
          .append(esc(v.line()))
          .append("</code></td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void nodeFailures(StringBuilder h, Cluster.Health cluster) {
    for (Cluster.Crash c : cluster.crashes()) {
      h.append("<h2>")
          .append(esc(c.node()))
          .append(" crashed (exit status ")
          .append(c.exitCode())
          .append(")</h2>\n<pre>")
          .append(esc(c.stderrTail()))
          .append("</pre>\n");
    }
    for (Cluster.InitFailure f : cluster.initFailures()) {
      h.append("<h2>")
          .append(esc(f.node()))
          .append(" did not come up</h2>\n<p>")
          .append(esc(f.reason()))
          .append("</p>\n<pre>")
          .append(esc(f.stderrTail()))
          .append("</pre>\n");
    }
  }

  private static void latencyPlot(StringBuilder h, Checker.Result r) {
    Checker.Inputs in = r.in();
    Set<Fault> rows = EnumSet.noneOf(Fault.class);
    r.periods().forEach(p -> rows.add(p.fault()));
    int top = 10 + ROW * rows.size();
    int bottom = top + 340;
    int svgH = bottom + 40;
    double tMax = Math.max(1e-3, (in.end() - in.t0()) / 1e9);
    int[] decades = decades(in.ops());
    int lo = decades[0];
    int hi = decades[1];
    h.append("<svg id=\"latency\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(W)
        .append("\" height=\"")
        .append(svgH)
        .append("\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(svgH)
        .append("\" role=\"img\" aria-label=\"latency of each operation over time\">\n");
    List<Fault> rowOrder = new ArrayList<>(rows);
    for (Checker.Period p : r.periods()) {
      periodBand(h, p, in.t0(), tMax, top, bottom, rowOrder.indexOf(p.fault()));
    }
    for (int d = lo; d <= hi; d++) {
      gridLine(h, y(d, lo, hi, top, bottom), msLabel(d));
    }
    axes(h, top, bottom, tMax, "latency (ms, log)");
    int shown = points(h, in, in.ops(), MAX_POINTS, tMax, lo, hi, top, bottom);
    h.append("</svg>\n");
    if (shown < in.ops().size()) {
      h.append("<p><small>Showing ")
          .append(shown)
          .append(" of ")
          .append(in.ops().size())
          .append(" operations: ok ones thinned evenly; every info and fail kept (up to ")
          .append(MAX_POINTS / 2)
          .append(").</small></p>\n");
    }
  }

  /** The latency axis's range in powers of ten of milliseconds, with a 1 µs floor. */
  private static int[] decades(List<Op> ops) {
    long minLat = Long.MAX_VALUE;
    long maxLat = 1;
    for (Op op : ops) {
      long l = op.latency();
      minLat = Math.min(minLat, Math.max(l, 1_000));
      maxLat = Math.max(maxLat, l);
    }
    int lo = (int) Math.floor(Math.log10(Math.max(minLat, 1_000) / 1e6));
    int hi = (int) Math.ceil(Math.log10(Math.max(maxLat, 1_000) / 1e6));
    return new int[] {lo, hi <= lo ? lo + 1 : hi};
  }

  /** A fault period: a shaded band over the plot, and a labelled bar in the fault's own row. */
  private static void periodBand(
      StringBuilder h, Checker.Period p, long t0, double tMax, int top, int bottom, int row) {
    double x0 = x((p.start() - t0) / 1e9, tMax);
    double x1 = Math.max(x0 + 1, x((p.end() - t0) / 1e9, tMax));
    String colour = FAULT_COLOURS.get(p.fault());
    h.append("<g class=\"period ")
        .append(p.fault().label())
        .append("\"><title>")
        .append(
            esc(
                p.fault().label()
                    + ": "
                    + p.label()
                    + " ("
                    + Text.fixed((p.start() - t0) / 1e9, 2)
                    + "–"
                    + Text.fixed((p.end() - t0) / 1e9, 2)
                    + " s)"))
        .append("</title>");
    rect(h, x0, top, x1 - x0, bottom - top, colour, " fill-opacity=\"0.45\"");
    rect(h, x0, 6 + row * ROW, x1 - x0, ROW - 2, colour, "");
    String label = p.fault().label() + ": " + p.label();
    int fit = (int) ((x1 - x0 - 4) / 6);
    if (fit >= 4) {
      h.append("<text x=\"")
          .append(Text.fixed(x0 + 2, 1))
          .append("\" y=\"")
          .append(6 + row * ROW + 10)
          .append("\">")
          .append(esc(label.length() > fit ? label.substring(0, fit - 1) + "…" : label))
          .append("</text>");
    }
    h.append("</g>\n");
  }

  /** Shades each fault period across a plot's height, behind its data. */
  private static void faultBands(
      StringBuilder h, Checker.Result r, double tMax, int top, int bottom) {
    long t0 = r.in().t0();
    for (Checker.Period p : r.periods()) {
      double x0 = x((p.start() - t0) / 1e9, tMax);
      double x1 = Math.max(x0 + 1, x((p.end() - t0) / 1e9, tMax));
      rect(
          h,
          x0,
          top,
          x1 - x0,
          bottom - top,
          FAULT_COLOURS.get(p.fault()),
          " fill-opacity=\"0.35\"");
      h.append('\n');
    }
  }

  private static void rect(
      StringBuilder h, double x, double y, double w, double height, String fill, String extra) {
    h.append("<rect x=\"")
        .append(Text.fixed(x, 1))
        .append("\" y=\"")
        .append(Text.fixed(y, 1))
        .append("\" width=\"")
        .append(Text.fixed(w, 1))
        .append("\" height=\"")
        .append(Text.fixed(height, 1))
        .append("\" fill=\"")
        .append(fill)
        .append('"')
        .append(extra)
        .append("/>");
  }

  /** A horizontal grid line across the plot with its label on the left. */
  private static void gridLine(StringBuilder h, double y, String label) {
    h.append("<line class=\"grid\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(W - RIGHT)
        .append("\" y1=\"")
        .append(Text.fixed(y, 1))
        .append("\" y2=\"")
        .append(Text.fixed(y, 1))
        .append("\"/><text x=\"")
        .append(LEFT - 6)
        .append("\" y=\"")
        .append(Text.fixed(y + 4, 1))
        .append("\" text-anchor=\"end\">")
        .append(label)
        .append("</text>\n");
  }

  /**
   * A point per operation, one group per outcome; ok ones thinned evenly if there are too many.
   *
   * @return how many were drawn
   */
  private static int points(
      StringBuilder h,
      Checker.Inputs in,
      List<Op> ops,
      int maxPoints,
      double tMax,
      int lo,
      int hi,
      int top,
      int bottom) {
    int okCount = 0;
    for (Op op : ops) {
      okCount += op.type() == Op.OK ? 1 : 0;
    }
    int notOk = ops.size() - okCount;
    int budget = Math.max(maxPoints - Math.min(notOk, maxPoints / 2), maxPoints / 2);
    double stride = okCount <= budget ? 1 : (double) okCount / budget;
    int shown = 0;
    for (int type : new int[] {Op.OK, Op.INFO, Op.FAIL}) {
      String name = Op.typeName(type);
      h.append("<g class=\"points ").append(name).append("\">");
      double next = 0;
      int i = 0;
      int kept = 0;
      for (Op op : ops) {
        if (op.type() != type) {
          continue;
        }
        boolean keep = type == Op.OK ? i++ >= next : kept < maxPoints / 2;
        if (!keep) {
          continue;
        }
        if (type == Op.OK) {
          next += stride;
        }
        kept++;
        double lat = Math.max(op.latency(), 1_000) / 1e6;
        h.append("<circle class=\"")
            .append(name)
            .append("\" cx=\"")
            .append(Text.fixed(x((op.invokeAt - in.t0()) / 1e9, tMax), 1))
            .append("\" cy=\"")
            .append(Text.fixed(y(Math.log10(lat), lo, hi, top, bottom), 1))
            .append("\" r=\"1.6\"");
        if (type == Op.OK) {
          h.append("/>");
        } else {
          h.append("><title>")
              .append(
                  esc(
                      name
                          + " on "
                          + (op.servedBy() >= 0
                              ? in.config().nodeIds().get(op.servedBy())
                              : "haproxy")
                          + ": "
                          + op.error()
                          + (op.errorText() == null ? "" : " " + op.errorText())))
              .append("</title></circle>");
        }
      }
      shown += kept;
      h.append("</g>\n");
    }
    return shown;
  }

  private static void legend(StringBuilder h, Checker.Result r) {
    h.append("<p class=\"legend\"><span><i class=\"sw\" style=\"background:#81BFFC\"></i>ok</span>")
        .append(
            "<span><i class=\"sw\" style=\"background:#FFA400\"></i>info (timeout, indefinite error, malformed reply)</span>")
        .append(
            "<span><i class=\"sw\" style=\"background:#FF1E90\"></i>fail (definite error)</span>");
    Set<Fault> seen = EnumSet.noneOf(Fault.class);
    r.periods().forEach(p -> seen.add(p.fault()));
    for (Fault f : seen) {
      h.append("<span><i class=\"sw\" style=\"background:")
          .append(FAULT_COLOURS.get(f))
          .append("\"></i>")
          .append(f.label())
          .append("</span>");
    }
    h.append("</p>\n");
  }

  private static void ratePlot(StringBuilder h, Checker.Result r) {
    Checker.Inputs in = r.in();
    double tMax = Math.max(1e-3, (in.end() - in.t0()) / 1e9);
    double bucket = tMax <= 30 ? 0.5 : tMax <= 300 ? 1 : tMax / 300;
    double[][] rate = rates(in, tMax, bucket);
    double max = 1;
    for (int t = 1; t <= 3; t++) {
      for (double v : rate[t]) {
        max = Math.max(max, v);
      }
    }
    int top = 10;
    int bottom = 170;
    h.append("<svg id=\"rate\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(W)
        .append("\" height=\"210\" viewBox=\"0 0 ")
        .append(W)
        .append(" 210\" role=\"img\" aria-label=\"completed operations per second\">\n");
    faultBands(h, r, tMax, top, bottom);
    for (int k = 0; k <= 4; k++) {
      gridLine(h, bottom - (bottom - top) * k / 4.0, Text.num(Math.round(max * k / 4)));
    }
    axes(h, top, bottom, tMax, "ops/s");
    for (int t = 1; t <= 3; t++) {
      StringBuilder pts = new StringBuilder();
      boolean any = false;
      for (int b = 0; b < rate[t].length; b++) {
        any |= rate[t][b] > 0;
        pts.append(Text.fixed(x(Math.min((b + 0.5) * bucket, tMax), tMax), 1))
            .append(',')
            .append(Text.fixed(bottom - (bottom - top) * rate[t][b] / max, 1))
            .append(' ');
      }
      if (any) {
        h.append("<polyline class=\"")
            .append(Op.typeName(t))
            .append("\" points=\"")
            .append(pts)
            .append("\"/>\n");
      }
    }
    h.append("</svg>\n");
  }

  /** Completions per second in buckets of {@code bucket} seconds, by op type. */
  private static double[][] rates(Checker.Inputs in, double tMax, double bucket) {
    int nb = (int) Math.ceil(tMax / bucket);
    double[][] rate = new double[4][nb];
    for (Op op : in.ops()) {
      int b = (int) Math.min(nb - 1, Math.max(0, (op.completeAt() - in.t0()) / 1e9 / bucket));
      rate[op.type()][b] += 1;
    }
    for (double[] series : rate) {
      for (int b = 0; b < nb; b++) {
        series[b] /= Math.min(bucket, tMax - b * bucket); // the last bucket may be short
      }
    }
    return rate;
  }

  private static void axes(StringBuilder h, int top, int bottom, double tMax, String yLabel) {
    h.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(top)
        .append("\" y2=\"")
        .append(bottom)
        .append("\"/><line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" x2=\"")
        .append(W - RIGHT)
        .append("\" y1=\"")
        .append(bottom)
        .append("\" y2=\"")
        .append(bottom)
        .append("\"/>\n");
    double step = niceStep(tMax / 10);
    for (double t = 0; t <= tMax + 1e-9; t += step) {
      double x = x(t, tMax);
      h.append("<line class=\"axis\" x1=\"")
          .append(Text.fixed(x, 1))
          .append("\" x2=\"")
          .append(Text.fixed(x, 1))
          .append("\" y1=\"")
          .append(bottom)
          .append("\" y2=\"")
          .append(bottom + 4)
          .append("\"/><text x=\"")
          .append(Text.fixed(x, 1))
          .append("\" y=\"")
          .append(bottom + 16)
          .append("\" text-anchor=\"middle\">")
          .append(Text.num(Math.round(t * 1000) / 1000.0))
          .append("</text>\n");
    }
    h.append("<text x=\"")
        .append((LEFT + W - RIGHT) / 2)
        .append("\" y=\"")
        .append(bottom + 32)
        .append("\" text-anchor=\"middle\">time (s)</text><text transform=\"translate(14,")
        .append((top + bottom) / 2)
        .append(") rotate(-90)\" text-anchor=\"middle\">")
        .append(esc(yLabel))
        .append("</text>\n");
  }

  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static double x(double t, double tMax) {
    return LEFT + (W - LEFT - RIGHT) * Math.min(1, Math.max(0, t / tMax));
  }

  private static double y(double log10ms, int lo, int hi, int top, int bottom) {
    return bottom - (bottom - top) * (log10ms - lo) / (hi - lo);
  }

  private static String msLabel(int decade) {
    double v = Math.pow(10, decade);
    return decade >= 0 ? Text.num(v) : String.format(Locale.ROOT, "%." + (-decade) + "f", v);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
