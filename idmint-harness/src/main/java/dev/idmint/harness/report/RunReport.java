package dev.idmint.harness.report;

import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Instance;
import dev.idmint.harness.check.Quantiles;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page (inline SVG and CSS, nothing fetched) with the verdict,
 * latency over time coloured by outcome, throughput, the nemesis periods shaded and labelled, the
 * message flow, and every fault, violation and crash.
 */
public final class RunReport {
  private RunReport() {}

  private static final Map<Fault, String> FAULT_COLOURS = new EnumMap<>(Fault.class);

  static {
    // Jepsen's perf-graph colours for these faults; loss takes its packet fault's, registry one of
    // its own.
    FAULT_COLOURS.put(Fault.PARTITION, "#E9DCA0");
    FAULT_COLOURS.put(Fault.KILL, "#E9A4A0");
    FAULT_COLOURS.put(Fault.CLOCK, "#A0E9E3");
    FAULT_COLOURS.put(Fault.LOSS, "#D1E8A0");
    FAULT_COLOURS.put(Fault.PAUSE, "#C5A0E9");
    FAULT_COLOURS.put(Fault.REGISTRY, "#A0C0E9");
  }

  private static final String CSS =
      """
      body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;\
      margin:24px auto;max-width:1000px;padding:0 12px}
      h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:24px 0 8px}
      .verdict{padding:12px 16px;border-radius:6px;font-size:16px;margin-bottom:16px}
      .valid{background:#e3f6e3;border:1px solid #7bc47b}\
      .invalid{background:#fde2e2;border:1px solid #e07a7a}
      .unknown{background:#fff3d6;border:1px solid #e0b45a}
      pre{background:#f6f6f6;padding:10px;overflow-x:auto;\
      font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
      table{border-collapse:collapse;font-size:13px}
      td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
      svg{background:#fff;border:1px solid #ddd}svg text{font:11px system-ui,sans-serif;fill:#333}
      .axis{stroke:#888;stroke-width:1}.grid{stroke:#eee;stroke-width:1}
      circle.ok{fill:#81BFFC}circle.info{fill:#FFA400}circle.fail{fill:#FF1E90}
      polyline.ok{stroke:#81BFFC}polyline.info{stroke:#FFA400}polyline.fail{stroke:#FF1E90}
      polyline{fill:none;stroke-width:1.5}
      .legend span{display:inline-block;margin-right:14px}
      .sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;\
      vertical-align:-1px}
      code{font:12px ui-monospace,Menlo,Consolas,monospace}
      .flow{max-height:900px;overflow:auto;border:1px solid #ddd}.flow svg{border:0}
      """;

  /** A fault's colour in the plots: Jepsen's where it has one. */
  static String colour(Fault f) {
    return FAULT_COLOURS.getOrDefault(f, "#C8C8C8");
  }

  /**
   * Writes the page.
   *
   * @param messages the message-flow diagram, an SVG element; null with none (HTTP services)
   * @param messageCount how many messages it draws
   */
  public static void write(
      Result r, List<String> summary, Markup messages, int messageCount, Path file)
      throws IOException {
    Files.writeString(file, html(r, summary, messages, messageCount), StandardCharsets.UTF_8);
  }

  static String html(Result r, List<String> summary, Markup messages, int messageCount) {
    Inputs in = r.in();
    Markup m = new Markup(1 << 20);
    String cls =
        switch (r.valid()) {
          case TRUE -> "valid";
          case FALSE -> "invalid";
          case UNKNOWN -> "unknown";
        };
    head(m, cls);
    Config.Http http = in.config().http();
    m.element(
            "h1",
            "idmint test · unique-ids"
                + (http == null ? "" : http.lb() ? " over HTTP behind haproxy" : " over HTTP")
                + " · "
                + in.config().nodeCount()
                + (http == null ? " nodes" : " instances"))
        .newline();
    m.open("div").attr("class", "verdict " + cls).attr("id", "verdict");
    m.text(Summary.verdict(r)).close().newline();
    if (in.ranLoad()) {
      m.element("h2", "Latency over time").newline();
      Plots.latency(m, r);
      Plots.legend(m, r);
      m.element("h2", "Throughput").newline();
      Plots.throughput(m, r);
      instances(m, r);
    }
    if (in.registry() != null) {
      Workers.lanes(m, r);
    }
    m.element("h2", "Summary").newline().element("pre", String.join("\n", summary)).newline();
    if (in.ranLoad() && messages != null) {
      messagesSection(m, messages, messageCount);
    }
    nemesisTable(m, in);
    violationsTable(m, in);
    nodeFailures(m, in.cluster());
    files(m, in, messages != null);
    return m.close().close().newline().toString();
  }

  /** The document's head and style, and the opening body. */
  private static void head(Markup m, String cls) {
    m.declaration("DOCTYPE html").open("html").attr("lang", "en").open("head");
    m.open("meta").attr("charset", "utf-8").close().newline();
    m.open("meta").attr("name", "viewport");
    m.attr("content", "width=device-width, initial-scale=1").close().newline();
    m.element("title", "idmint test: " + cls).newline();
    m.style(CSS).close().open("body").newline();
  }

  private static void files(Markup m, Inputs in, boolean messages) {
    m.element("h2", "Files").newline().open("p");
    link(m, "results.json").text(" · ");
    link(m, "history.jsonl").text(" · ");
    if (messages) {
      link(m, "messages.svg").text(" · ");
    }
    if (in.config().logging().net()) {
      link(m, "net.jsonl").text(" · ");
    }
    link(m, "node-logs/").close().newline();
  }

  private static Markup link(Markup m, String file) {
    return m.open("a").attr("href", file).text(file).close();
  }

  /** Per HTTP instance: its latency over time, then a table of outcomes, latency and ID order. */
  private static void instances(Markup m, Result r) {
    if (r.instances().isEmpty()) {
      return;
    }
    m.open("h2").attr("id", "instances").text("Latency per instance").close().newline();
    Plots.perInstance(m, r);
    m.open("table").open("tr");
    for (String h :
        List.of(
            "instance",
            "ok",
            "info",
            "fail",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "IDs strictly increase")) {
      m.element("th", h);
    }
    m.close().newline();
    for (Instance i : r.instances()) {
      Quantiles q = i.latency();
      m.open("tr").element("td", i.name()).element("td", Integer.toString(q.count()));
      m.element("td", Integer.toString(i.info())).element("td", Integer.toString(i.fail()));
      for (double v : new double[] {q.p50(), q.p95(), q.p99(), q.max()}) {
        m.element("td", Text.num(v));
      }
      m.element("td", order(i)).close().newline();
    }
    m.close().newline().open("p").attr("class", "legend");
    m.text(
        "Latency is of the ok requests. Info and fail count the requests that ended so at this"
            + " instance"
            + (r.in().config().http().lb()
                ? " as HAProxy named it (its own errors are not here)"
                : "")
            + ". Whether IDs increase is reported, not judged: the verdict is about duplicates."
            + " An ID went back when it is not above every ID the instance had answered before"
            + " the request was sent.");
    m.close().newline();
  }

  private static String order(Instance i) {
    return i.orderViolations() == 0
        ? "yes"
        : "no: "
            + i.orderViolations()
            + " went back, first "
            + Json.toJson(i.firstViolation().value())
            + " after "
            + Json.toJson(i.after().value());
  }

  /** The message-flow diagram, scrolling in a box of its own, with how to read it. */
  private static void messagesSection(Markup m, Markup messages, int count) {
    m.open("h2").attr("id", "flow").text("Messages").close().newline();
    m.open("p").attr("class", "legend");
    m.text(
        (count >= Traffic.FLOW_LIMIT ? "The load's first " : "All ")
            + count
            + " messages (init left out), a lane per client, node and service, time going down."
            + " Arrows: ");
    swatch(m, "#81BFFC").text("to or from a client ");
    swatch(m, "#222").text("between nodes and services ");
    swatch(m, "#FF1E90").text("error ");
    swatch(m, "#D62728").text("dropped (✕: by loss when sent, by a partition on delivery) ");
    swatch(m, "#999").text("never delivered; shaded rows: partitions. Hover an arrow for the");
    m.text(" message.").close().newline();
    m.open("div").attr("class", "flow").embed(messages).close().newline();
  }

  /** A legend's colour swatch. */
  static Markup swatch(Markup m, String colour) {
    return m.open("i").attr("class", "sw").attr("style", "background:" + colour).close();
  }

  private static void nemesisTable(Markup m, Inputs in) {
    if (in.timeline().isEmpty()) {
      return;
    }
    m.element("h2", "Nemesis").newline().open("table").open("tr");
    m.element("th", "time (s)").element("th", "fault").element("th", "operation");
    m.element("th", "what happened").close().newline();
    for (Nemesis.Entry e : in.timeline()) {
      m.open("tr").element("td", Text.fixed((e.at() - in.t0()) / 1e9, 3));
      m.element("td", e.fault().label()).open("td").element("code", e.f()).close();
      m.element("td", e.summary()).close().newline();
    }
    m.close().newline();
  }

  private static void violationsTable(Markup m, Inputs in) {
    List<Violation> violations = in.net().violations();
    if (violations.isEmpty()) {
      return;
    }
    m.element("h2", "Protocol violations (" + in.net().violationCount() + ")").newline();
    m.open("table").open("tr").element("th", "time (s)").element("th", "node");
    m.element("th", "problem").element("th", "line").close().newline();
    for (Violation v : violations.subList(0, Math.min(100, violations.size()))) {
      m.open("tr").element("td", in.ranLoad() ? Text.fixed((v.at() - in.t0()) / 1e9, 3) : "");
      m.element("td", v.node()).open("td").text(v.message());
      if (v.killsOutput()) {
        m.text(" ").element("b", "(stopped reading its stdout)");
      }
      m.close().open("td").element("code", v.line()).close().close().newline();
    }
    m.close().newline();
  }

  private static void nodeFailures(Markup m, Cluster.Health cluster) {
    for (Cluster.Crash c : cluster.crashes()) {
      m.element("h2", c.node() + " crashed (exit status " + c.exitCode() + ")").newline();
      m.element("pre", c.stderrTail()).newline();
    }
    for (Cluster.InitFailure f : cluster.initFailures()) {
      m.element("h2", f.node() + " did not come up").newline();
      m.element("p", f.reason()).newline().element("pre", f.stderrTail()).newline();
    }
  }
}
