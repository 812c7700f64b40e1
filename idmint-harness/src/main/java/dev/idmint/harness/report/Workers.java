package dev.idmint.harness.report;

import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.registry.Hold;
import dev.idmint.harness.registry.Holdings;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which instance held which worker, with {@code --registry}: the summary's {@code workers} line,
 * results.json's {@code registry}, and report.html's lane per worker.
 */
final class Workers {
  private Workers() {}

  /** An instance's colour in the lanes (Tableau's ten, without the red that marks conflicts). */
  private static final List<String> COLOURS =
      List.of(
          "#4E79A7", "#F28E2B", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F",
          "#BAB0AC", "#86BCB6");

  /** Where an instance said it held a worker that etcd had given to another. */
  static final String CONFLICT = "#D62728";

  private static final int BAR = 14;
  private static final int THIN = 6;

  /** The summary's lines: what was held, each change of holder, and every stale holder. */
  static List<String> summary(Result r) {
    Holdings h = r.in().registry();
    List<String> out = new ArrayList<>();
    String setup =
        " (fleet "
            + h.fleet()
            + (h.workerIds() == null ? "" : ", worker ids " + h.workerIds())
            + ", TTL "
            + Text.num(h.ttlMs() / 1000.0)
            + " s)";
    if (h.workers().isEmpty()) {
      out.add(
          "workers      none seen held"
              + setup
              + ": no owner keys under /idmint/"
              + h.fleet()
              + "/worker/ in etcd, and no /v1/info naming a worker");
      return out;
    }
    List<Holdings.Change> changes = h.changes();
    StringBuilder line =
        new StringBuilder("workers      ")
            .append(h.workers().size())
            .append(h.workers().size() == 1 ? " worker" : " workers")
            .append(" held by ")
            .append(h.holders().size())
            .append(h.holders().size() == 1 ? " instance" : " instances")
            .append(setup)
            .append("; ")
            .append(changes.size())
            .append(changes.size() == 1 ? " change of holder" : " changes of holder");
    for (int i = 0; i < Math.min(4, changes.size()); i++) {
      Holdings.Change c = changes.get(i);
      line.append(i == 0 ? ": " : ", ")
          .append("worker ")
          .append(c.worker())
          .append(' ')
          .append(c.before())
          .append(" → ")
          .append(c.after())
          .append(" at ")
          .append(seconds(r.in(), c.at()));
    }
    out.add(line + (changes.size() > 4 ? ", …" : ""));
    for (Map.Entry<String, long[]> e : stale(h).entrySet()) {
      long total = e.getValue()[1];
      out.add(
          "             "
              + e.getKey()
              + (total < 10_000_000 // one answer, between two looks at etcd
                  ? " at " + seconds(r.in(), e.getValue()[0])
                  : " for "
                      + Text.fixed(total / 1e9, 2)
                      + " s, from "
                      + seconds(r.in(), e.getValue()[0])));
    }
    return out;
  }

  /**
   * {@code n1 said it held worker 1 while etcd had given it to n2} to its first time and total
   * nanoseconds.
   */
  private static Map<String, long[]> stale(Holdings h) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Holdings.Stale s : h.stale()) {
      long[] v =
          out.computeIfAbsent(
              s.instance()
                  + " said it held worker "
                  + s.worker()
                  + " while etcd had given it to "
                  + s.holder(),
              k -> new long[] {s.from(), 0});
      v[1] += s.to() - s.from();
    }
    return out;
  }

  private static String seconds(Inputs in, long at) {
    return Text.fixed((at - in.t0()) / 1e9, 3) + " s";
  }

  /** results.json's {@code registry}: the setup, every hold by worker, changes and conflicts. */
  static Map<String, Object> json(Inputs in) {
    Holdings h = in.registry();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "etcd");
    m.put("members", h.url());
    m.put("fleet", h.fleet());
    m.put("worker_ids", h.workerIds());
    m.put("ttl_ms", h.ttlMs());
    m.put(
        "reads",
        JsonMap.of(
            "etcd", h.etcdReads(), "etcd_failed", h.etcdFailures(), "info", h.infoAnswers()));
    m.put("instances_without_info", h.noInfo());
    List<Object> workers = new ArrayList<>();
    for (int w : h.workers()) {
      List<Object> held = new ArrayList<>();
      h.etcd().stream().filter(x -> x.worker() == w).forEach(x -> held.add(hold(in, x)));
      List<Object> said = new ArrayList<>();
      h.info().stream().filter(x -> x.worker() == w).forEach(x -> said.add(hold(in, x)));
      workers.add(JsonMap.of("worker", w, "time", h.times().get(w), "holders", held, "said", said));
    }
    m.put("workers", workers);
    List<Object> changes = new ArrayList<>();
    for (Holdings.Change c : h.changes()) {
      changes.add(
          JsonMap.of(
              "worker", c.worker(),
              "from", c.before(),
              "to", c.after(),
              "time", JsonMap.seconds(c.at() - in.t0())));
    }
    m.put("changes", changes);
    List<Object> stale = new ArrayList<>();
    for (Holdings.Stale s : h.stale()) {
      stale.add(
          JsonMap.of(
              "instance", s.instance(),
              "worker", s.worker(),
              "holder", s.holder(),
              "from", JsonMap.seconds(s.from() - in.t0()),
              "to", JsonMap.seconds(s.to() - in.t0())));
    }
    m.put("stale", stale);
    m.put("failure", h.failure());
    return m;
  }

  private static Map<String, Object> hold(Inputs in, Hold x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("instance", x.instance());
    m.put("from", JsonMap.seconds(x.from() - in.t0()));
    m.put("to", JsonMap.seconds(x.to() - in.t0()));
    if (x.revision() >= 0) {
      m.put("owner_revision", x.revision());
    }
    return m;
  }

  /**
   * A lane per worker, time going across as in the plots above it, fault periods shaded: a thick
   * bar per holder as etcd's owner key said, and under it a thin one per instance that said it held
   * the worker, red where etcd had given it to another instance then.
   */
  static void lanes(Markup m, Result r) {
    Inputs in = r.in();
    Holdings h = in.registry();
    m.open("h2").attr("id", "workers").text("Who held which worker").close().newline();
    if (h.workers().isEmpty()) {
      m.element("p", summary(r).get(0).substring(13)).newline();
      return;
    }
    List<String> ids = in.config().nodeIds();
    List<Integer> workers = h.workers();
    int[] top = new int[workers.size() + 1];
    top[0] = 8;
    for (int k = 0; k < workers.size(); k++) {
      top[k + 1] = top[k] + BAR + 4 + THIN * saidBy(h, workers.get(k)).size() + 8;
    }
    Plots.Frame f =
        new Plots.Frame(
            in.t0(), Math.max(1e-3, (in.end() - in.t0()) / 1e9), 8, top[workers.size()]);
    Plots.svg(m, "id", "workers-lanes", f.bottom() + 40, "which instance held which worker");
    Plots.faultBands(m, r, f);
    for (int k = 0; k < workers.size(); k++) {
      lane(m, h, workers.get(k), top[k], f, ids);
    }
    Plots.axes(m, f, "");
    m.close().newline();
    legend(m, r, ids);
  }

  /** The instances that said they held worker {@code w}, in order of first saying so. */
  private static List<String> saidBy(Holdings h, int w) {
    List<String> out = new ArrayList<>();
    h.info().stream()
        .filter(x -> x.worker() == w && !out.contains(x.instance()))
        .forEach(x -> out.add(x.instance()));
    return out;
  }

  private static void lane(Markup m, Holdings h, int w, int y, Plots.Frame f, List<String> ids) {
    m.open("g").attr("class", "worker").attr("data-worker", w);
    m.open("text").attr("x", Plots.LEFT - 6).attr("y", y + 11).attr("text-anchor", "end");
    m.text("worker " + w).close();
    for (Hold x : h.etcd()) {
      if (x.worker() == w) {
        bar(m, x, y, BAR, f, ids, "held (etcd's owner key, revision " + x.revision() + ")");
      }
    }
    List<String> said = saidBy(h, w);
    for (Hold x : h.info()) {
      if (x.worker() == w) {
        int row = y + BAR + 2 + THIN * said.indexOf(x.instance());
        bar(m, x, row, THIN - 1, f, ids, "said it held the worker (/v1/info)");
      }
    }
    for (Holdings.Stale s : h.stale()) {
      if (s.worker() == w) {
        double x0 = f.at(s.from());
        int row = y + BAR + 2 + THIN * said.indexOf(s.instance());
        Plots.rect(m, x0, row, Math.max(2, f.at(s.to()) - x0), THIN - 1, CONFLICT)
            .attr("class", "conflict");
        m.element(
            "title",
            s.instance()
                + " said it held worker "
                + w
                + " while etcd had given it to "
                + s.holder()
                + " ("
                + Text.fixed((s.from() - f.t0()) / 1e9, 2)
                + "–"
                + Text.fixed((s.to() - f.t0()) / 1e9, 2)
                + " s)");
        m.close();
      }
    }
    m.close().newline();
  }

  private static void bar(
      Markup m, Hold x, int y, int height, Plots.Frame f, List<String> ids, String what) {
    double x0 = f.at(x.from());
    double width = Math.max(2, f.at(x.to()) - x0);
    Plots.rect(m, x0, y, width, height, colour(ids, x.instance()));
    m.attr("class", x.revision() >= 0 ? "held" : "said");
    m.element(
        "title",
        x.instance()
            + " "
            + what
            + ", "
            + Text.fixed((x.from() - f.t0()) / 1e9, 2)
            + "–"
            + Text.fixed((x.to() - f.t0()) / 1e9, 2)
            + " s");
    m.close();
    int fit = (int) ((width - 4) / 6);
    if (height == BAR && fit >= x.instance().length()) {
      m.open("text").attr("x", x0 + 3).attr("y", y + 11).text(x.instance()).close();
    }
  }

  /** The instance's colour: by its place among the nodes, grey for a name the run did not give. */
  static String colour(List<String> ids, String instance) {
    int i = ids.indexOf(instance);
    return i < 0 ? "#999999" : COLOURS.get(i % COLOURS.size());
  }

  private static void legend(Markup m, Result r, List<String> ids) {
    Holdings h = r.in().registry();
    m.open("p").attr("class", "legend");
    List<String> holders = new ArrayList<>(ids);
    holders.retainAll(h.holders());
    h.holders().stream().filter(x -> !ids.contains(x)).forEach(holders::add);
    for (String instance : holders) {
      RunReport.swatch(m.open("span"), colour(ids, instance)).text(instance).close();
    }
    RunReport.swatch(m.open("span"), CONFLICT)
        .text("said it held the worker while etcd had given it to another")
        .close();
    Set<Fault> faults = EnumSet.noneOf(Fault.class);
    r.periods().forEach(p -> faults.add(p.fault()));
    for (Fault f : faults) {
      RunReport.swatch(m.open("span"), RunReport.colour(f)).text(f.label()).close();
    }
    m.close().newline().open("p").attr("class", "legend");
    m.text(
        "A lane per worker. The thick bar is its holder as etcd's owner key said (read every 100"
            + " ms); the thin bars under it, each instance that said on /v1/info that it held the"
            + " worker. Red is an instance saying so while etcd had given the worker to another:"
            + " a holder paused or cut off that has not found out yet, or one that never checks."
            + " Uniqueness must not depend on it finding out: see docs/registry.md.");
    m.close().newline();
  }
}
