package dev.idmint.harness.report;

import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Period;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The report's plots, as inline SVG: latency of every request over time (overall and per HTTP
 * instance) and throughput, with the fault periods shaded behind them.
 */
final class Plots {
  private Plots() {}

  /** More points than this make the page slow; ok points are then thinned evenly, others kept. */
  static final int MAX_POINTS = 20_000;

  static final int W = 960;
  static final int LEFT = 70;
  static final int RIGHT = 20;
  private static final int ROW = 15;

  /**
   * A plot's area: time from the load's start across, {@code top} to {@code bottom} down.
   *
   * @param t0 the load's start (nanoTime)
   * @param tMax seconds the x axis spans
   */
  record Frame(long t0, double tMax, int top, int bottom) {
    static Frame of(Inputs in, int top, int bottom) {
      return new Frame(in.t0(), Math.max(1e-3, (in.end() - in.t0()) / 1e9), top, bottom);
    }

    double x(double seconds) {
      return LEFT + (W - LEFT - RIGHT) * Math.min(1, Math.max(0, seconds / tMax));
    }

    double at(long nanoTime) {
      return x((nanoTime - t0) / 1e9);
    }

    /** The height of {@code v} on a scale from {@code lo} (the bottom) to {@code hi} (the top). */
    double y(double v, double lo, double hi) {
      return bottom - (bottom - top) * (v - lo) / (hi - lo);
    }
  }

  static void latency(Markup m, Result r) {
    Inputs in = r.in();
    Set<Fault> faults = EnumSet.noneOf(Fault.class);
    r.periods().forEach(p -> faults.add(p.fault()));
    List<Fault> rows = new ArrayList<>(faults);
    int top = 10 + ROW * rows.size();
    Frame f = Frame.of(in, top, top + 340);
    svg(m, "id", "latency", f.bottom() + 40, "latency of each operation over time");
    for (Period p : r.periods()) {
      periodBand(m, p, f, rows.indexOf(p.fault()));
    }
    int[] decades = decades(in.ops());
    latencyGrid(m, f, decades);
    axes(m, f, "latency (ms, log)");
    int shown = points(m, in, in.ops(), MAX_POINTS, f, decades);
    m.close().newline();
    if (shown < in.ops().size()) {
      m.open("p").open("small");
      m.text(
          "Showing "
              + shown
              + " of "
              + in.ops().size()
              + " operations: ok ones thinned evenly; every info and fail kept (up to "
              + MAX_POINTS / 2
              + ").");
      m.close().close().newline();
    }
  }

  /** Per HTTP instance, the latency of every request it answered over time. */
  static void perInstance(Markup m, Result r) {
    Inputs in = r.in();
    int[] decades = decades(in.ops());
    int n = r.instances().size();
    for (int i = 0; i < n; i++) {
      int instance = i;
      List<Op> mine = in.ops().stream().filter(o -> o.servedBy() == instance).toList();
      Frame f = Frame.of(in, 8, 110);
      String name = r.instances().get(i).name();
      svg(m, "class", "instance", f.bottom() + 40, "latency of the requests " + name + " answered");
      faultBands(m, r, f);
      latencyGrid(m, f, decades);
      axes(m, f, name);
      points(m, in, mine, MAX_POINTS / n, f, decades);
      m.close().newline();
    }
  }

  static void legend(Markup m, Result r) {
    m.open("p").attr("class", "legend");
    legendItem(m, "#81BFFC", "ok");
    legendItem(m, "#FFA400", "info (timeout, indefinite error, malformed reply)");
    legendItem(m, "#FF1E90", "fail (definite error)");
    Set<Fault> seen = EnumSet.noneOf(Fault.class);
    r.periods().forEach(p -> seen.add(p.fault()));
    for (Fault f : seen) {
      legendItem(m, RunReport.colour(f), f.label());
    }
    m.close().newline();
  }

  private static void legendItem(Markup m, String colour, String what) {
    RunReport.swatch(m.open("span"), colour).text(what).close();
  }

  /** Completions per second over time, by outcome. */
  static void throughput(Markup m, Result r) {
    Frame f = Frame.of(r.in(), 10, 170);
    Rates rates = Rates.of(r.in(), f.tMax());
    double max = Math.max(1, rates.max());
    svg(m, "id", "rate", 210, "completed operations per second");
    faultBands(m, r, f);
    for (int k = 0; k <= 4; k++) {
      gridLine(m, f.y(k, 0, 4), Text.num(Math.round(max * k / 4)));
    }
    axes(m, f, "ops/s");
    for (int type : new int[] {Op.OK, Op.INFO, Op.FAIL}) {
      double[] series = rates.perSecond()[type];
      if (series.length == 0 || java.util.Arrays.stream(series).allMatch(v -> v == 0)) {
        continue;
      }
      StringBuilder pts = new StringBuilder();
      for (int b = 0; b < series.length; b++) {
        pts.append(Text.fixed(f.x(rates.middle(b)), 1))
            .append(',')
            .append(Text.fixed(f.y(series[b], 0, max), 1))
            .append(' ');
      }
      m.open("polyline").attr("class", Op.typeName(type)).attr("points", pts.toString());
      m.close().newline();
    }
    m.close().newline();
  }

  /**
   * Opens a plot's svg element, {@link #W} wide.
   *
   * @param key {@code id} or {@code class}, what names the plot
   */
  static void svg(Markup m, String key, String name, int height, String label) {
    m.open("svg").attr(key, name);
    m.attr("xmlns", "http://www.w3.org/2000/svg").attr("width", W).attr("height", height);
    m.attr("viewBox", "0 0 " + W + " " + height).attr("role", "img").attr("aria-label", label);
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

  private static void latencyGrid(Markup m, Frame f, int[] decades) {
    for (int d = decades[0]; d <= decades[1]; d++) {
      double v = Math.pow(10, d);
      gridLine(m, f.y(d, decades[0], decades[1]), d >= 0 ? Text.num(v) : Text.fixed(v, -d));
    }
  }

  /** A fault period: a shaded band over the plot, and a labelled bar in the fault's own row. */
  private static void periodBand(Markup m, Period p, Frame f, int row) {
    double x0 = f.at(p.start());
    double x1 = Math.max(x0 + 1, f.at(p.end()));
    String colour = RunReport.colour(p.fault());
    m.open("g").attr("class", "period " + p.fault().label());
    m.element(
        "title",
        p.fault().label()
            + ": "
            + p.label()
            + " ("
            + Text.fixed((p.start() - f.t0()) / 1e9, 2)
            + "–"
            + Text.fixed((p.end() - f.t0()) / 1e9, 2)
            + " s)");
    rect(m, x0, f.top(), x1 - x0, f.bottom() - f.top(), colour).attr("fill-opacity", "0.45");
    m.close();
    rect(m, x0, 6 + row * ROW, x1 - x0, ROW - 2, colour).close();
    String label = p.fault().label() + ": " + p.label();
    int fit = (int) ((x1 - x0 - 4) / 6);
    if (fit >= 4) {
      m.open("text").attr("x", x0 + 2).attr("y", 6 + row * ROW + 10);
      m.text(label.length() > fit ? label.substring(0, fit - 1) + "…" : label).close();
    }
    m.close().newline();
  }

  /** Shades each fault period across a plot's height, behind its data. */
  static void faultBands(Markup m, Result r, Frame f) {
    for (Period p : r.periods()) {
      double x0 = f.at(p.start());
      double x1 = Math.max(x0 + 1, f.at(p.end()));
      rect(m, x0, f.top(), x1 - x0, f.bottom() - f.top(), RunReport.colour(p.fault()));
      m.attr("fill-opacity", "0.35").close().newline();
    }
  }

  /** Opens a filled rect; attributes may follow before it is closed. */
  static Markup rect(Markup m, double x, double y, double w, double h, String fill) {
    return m.open("rect")
        .attr("x", x)
        .attr("y", y)
        .attr("width", w)
        .attr("height", h)
        .attr("fill", fill);
  }

  /** A horizontal grid line across the plot with its label on the left. */
  private static void gridLine(Markup m, double y, String label) {
    m.open("line").attr("class", "grid").attr("x1", LEFT).attr("x2", W - RIGHT);
    m.attr("y1", y).attr("y2", y).close();
    m.open("text").attr("x", LEFT - 6).attr("y", y + 4).attr("text-anchor", "end");
    m.text(label).close().newline();
  }

  /**
   * A point per operation, one group per outcome; ok ones thinned evenly if there are too many.
   *
   * @return how many were drawn
   */
  private static int points(
      Markup m, Inputs in, List<Op> ops, int maxPoints, Frame f, int[] decades) {
    int okCount = (int) ops.stream().filter(op -> op.type() == Op.OK).count();
    int notOk = ops.size() - okCount;
    int budget = Math.max(maxPoints - Math.min(notOk, maxPoints / 2), maxPoints / 2);
    double stride = okCount <= budget ? 1 : (double) okCount / budget;
    int shown = 0;
    for (int type : new int[] {Op.OK, Op.INFO, Op.FAIL}) {
      m.open("g").attr("class", "points " + Op.typeName(type));
      double next = 0;
      int i = 0;
      int kept = 0;
      for (Op op : ops) {
        if (op.type() != type) {
          continue;
        }
        boolean keep = type == Op.OK ? i++ >= next : kept < maxPoints / 2;
        if (keep) {
          next += type == Op.OK ? stride : 0;
          kept++;
          point(m, in, op, f, decades);
        }
      }
      shown += kept;
      m.close().newline();
    }
    return shown;
  }

  /** One operation's point; one that is not ok says why when hovered. */
  private static void point(Markup m, Inputs in, Op op, Frame f, int[] decades) {
    double lat = Math.max(op.latency(), 1_000) / 1e6;
    String name = Op.typeName(op.type());
    m.open("circle").attr("class", name).attr("cx", f.at(op.invokeAt));
    m.attr("cy", f.y(Math.log10(lat), decades[0], decades[1])).attr("r", "1.6");
    if (op.type() != Op.OK) {
      String node = op.servedBy() >= 0 ? in.config().nodeIds().get(op.servedBy()) : "haproxy";
      m.element(
          "title",
          name
              + " on "
              + node
              + ": "
              + op.error()
              + (op.errorText() == null ? "" : " " + op.errorText()));
    }
    m.close();
  }

  static void axes(Markup m, Frame f, String yLabel) {
    m.open("line").attr("class", "axis").attr("x1", LEFT).attr("x2", LEFT);
    m.attr("y1", f.top()).attr("y2", f.bottom()).close();
    m.open("line").attr("class", "axis").attr("x1", LEFT).attr("x2", W - RIGHT);
    m.attr("y1", f.bottom()).attr("y2", f.bottom()).close().newline();
    double step = niceStep(f.tMax() / 10);
    for (double t = 0; t <= f.tMax() + 1e-9; t += step) {
      double x = f.x(t);
      m.open("line").attr("class", "axis").attr("x1", x).attr("x2", x);
      m.attr("y1", f.bottom()).attr("y2", f.bottom() + 4).close();
      m.open("text").attr("x", x).attr("y", f.bottom() + 16).attr("text-anchor", "middle");
      m.text(Text.num(Math.round(t * 1000) / 1000.0)).close().newline();
    }
    m.open("text").attr("x", (LEFT + W - RIGHT) / 2).attr("y", f.bottom() + 32);
    m.attr("text-anchor", "middle").text("time (s)").close();
    m.open("text")
        .attr("transform", "translate(14," + (f.top() + f.bottom()) / 2 + ") rotate(-90)");
    m.attr("text-anchor", "middle").text(yLabel).close().newline();
  }

  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
    for (double mult : new double[] {1, 2, 5, 10}) {
      if (mult * p >= raw) {
        return mult * p;
      }
    }
    return 10 * p;
  }
}
