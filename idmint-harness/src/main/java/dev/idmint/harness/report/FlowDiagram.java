package dev.idmint.harness.report;

import dev.idmint.harness.check.Period;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.text.Text;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message-flow (Lamport) diagram of the load's first messages, as Maelstrom's messages.svg: a
 * lane per client, node and service, time going down one row per moment something was sent or
 * delivered, an arrow per message labelled with its type, dropped messages marked, and partitions
 * shaded. Instant messages (to and from clients) are level arrows; delayed ones slant.
 */
public final class FlowDiagram {
  private FlowDiagram() {}

  static final int ROW = 14;
  static final int LANE = 104;
  static final int LEFT = 190;
  static final int TOP = 34;

  private static final String CLIENT = "#81BFFC";
  private static final String SERVER = "#222";
  private static final String ERROR = "#FF1E90";
  private static final String DROPPED = "#D62728";

  private static final String CSS =
      "svg{background:#fff}text{font:10px system-ui,sans-serif;fill:#333}"
          + "text.lane{font-weight:600;fill:#000}text.lane.again{fill:#aaa;font-weight:400}"
          + "g.msg text{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
          + "g.msg line{stroke-width:1.4}g.msg.dropped line,g.msg.undelivered line"
          + "{stroke-dasharray:4 3}text.cross{font-size:13px;font-weight:700;fill:"
          + DROPPED
          + "}text.band{fill:#7a6a20}";

  /**
   * The diagram: an SVG element, as messages.svg holds it and the report embeds it.
   *
   * @param lanes who gets a lane, left to right ({@link Traffic#lanes})
   * @param partitions partition periods, shaded over the rows they cover
   */
  public static Markup svg(List<Traffic.Flow> flows, List<String> lanes, List<Period> partitions) {
    Map<String, Integer> lane = new LinkedHashMap<>();
    lanes.forEach(l -> lane.put(l, lane.size()));
    long[] times = moments(flows);
    int rows = Math.max(1, times.length);
    int width = LEFT + LANE * lanes.size() + 20;
    int height = TOP + rows * ROW + 40;
    Markup m = new Markup(256 * flows.size() + 4096);
    head(m, width, height, flows.size());
    for (Period p : partitions) {
      band(m, p, times, width);
    }
    laneLines(m, lanes, rows);
    for (Traffic.Flow f : flows) {
      arrow(m, f, lane, times, rows);
    }
    m.open("text").attr("x", LEFT).attr("y", height - 14);
    m.text(
        flows.size() >= Traffic.FLOW_LIMIT
            ? "The load's first " + flows.size() + " messages; later ones are not drawn."
            : "All " + flows.size() + " messages of the load.");
    return m.close().newline().close().newline();
  }

  /** The opening tag, style and arrowheads. */
  private static void head(Markup m, int width, int height, int messages) {
    m.open("svg")
        .attr("id", "messages")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("width", width)
        .attr("height", height)
        .attr("viewBox", "0 0 " + width + " " + height)
        .attr("role", "img")
        .attr("aria-label", "message flow of the first " + messages + " messages")
        .newline()
        .style(CSS)
        .newline()
        .open("defs");
    String[][] heads = {{"c", CLIENT}, {"s", SERVER}, {"e", ERROR}, {"d", DROPPED}, {"u", "#999"}};
    for (String[] c : heads) {
      m.open("marker")
          .attr("id", "ah-" + c[0])
          .attr("viewBox", "0 0 10 10")
          .attr("refX", 10)
          .attr("refY", 5)
          .attr("markerWidth", 7)
          .attr("markerHeight", 7)
          .attr("orient", "auto-start-reverse");
      m.open("path").attr("d", "M0,0 L10,5 L0,10 z").attr("fill", c[1]).close().close();
    }
    m.close().newline();
  }

  /** Every distinct moment a message was sent, delivered or dropped, in order: one row each. */
  private static long[] moments(List<Traffic.Flow> flows) {
    long[] t = new long[flows.size() * 2];
    int n = 0;
    for (Traffic.Flow f : flows) {
      t[n++] = f.sentAt();
      if (f.doneAt() >= 0) {
        t[n++] = f.doneAt();
      }
    }
    long[] s = Arrays.copyOf(t, n);
    Arrays.sort(s);
    int distinct = 0;
    for (int i = 0; i < s.length; i++) {
      if (i == 0 || s[i] != s[i - 1]) {
        s[distinct++] = s[i];
      }
    }
    return Arrays.copyOf(s, distinct);
  }

  private static int row(long[] times, long at) {
    int i = Arrays.binarySearch(times, at);
    return i >= 0 ? i : -i - 1; // between moments: the row of the next one
  }

  private static double y(int row) {
    return TOP + row * ROW + ROW / 2.0;
  }

  private static double x(int lane) {
    return LEFT + LANE * lane + LANE / 2.0;
  }

  private static void laneLines(Markup m, List<String> lanes, int rows) {
    for (int i = 0; i < lanes.size(); i++) {
      double x = x(i);
      m.open("line").attr("x1", x).attr("x2", x).attr("y1", TOP - 6).attr("y2", y(rows));
      m.attr("stroke", "#ccc").close();
      // Names again every 50 rows, so a lane is known deep in a tall diagram.
      for (int r = 0; r < rows; r += 50) {
        m.open("text").attr("class", r == 0 ? "lane" : "lane again").attr("x", x);
        m.attr("y", r == 0 ? TOP - 10 : y(r) - ROW / 2.0).attr("text-anchor", "middle");
        m.text(lanes.get(i)).close();
      }
      m.newline();
    }
  }

  /** A partition: its rows shaded across the diagram, its shape written in the left margin. */
  private static void band(Markup m, Period p, long[] times, int width) {
    int from = row(times, p.start());
    int to = row(times, p.end());
    if (times.length == 0 || from >= times.length) {
      return;
    }
    to = Math.max(from, Math.min(to, times.length) - 1);
    double y0 = y(from) - ROW / 2.0;
    double y1 = y(to) + ROW / 2.0;
    String label = "partition: " + p.label();
    m.open("g").attr("class", "partition").element("title", label);
    m.open("rect").attr("x", 0).attr("y", y0).attr("width", width).attr("height", y1 - y0);
    m.attr("fill", RunReport.colour(Fault.PARTITION)).attr("fill-opacity", "0.45").close();
    m.open("text").attr("class", "band").attr("x", 4).attr("y", y0 + 11);
    m.text(label.length() > 33 ? label.substring(0, 32) + "…" : label).close();
    m.close().newline();
  }

  /** Where an arrow ends, how it is drawn, and its CSS classes. */
  private record End(double x, double y, String colour, String marker, String cls) {}

  private static void arrow(
      Markup m, Traffic.Flow f, Map<String, Integer> lane, long[] times, int rows) {
    Integer from = lane.get(f.src());
    Integer to = lane.get(f.dest());
    if (from == null || to == null) {
      return;
    }
    double x0 = x(from);
    double y0 = y(row(times, f.sentAt()));
    End end = end(f, x0, y0, x(to), times, rows);
    m.open("g").attr("class", "msg " + end.cls()).element("title", title(f));
    m.open("line").attr("x1", x0).attr("y1", y0).attr("x2", end.x()).attr("y2", end.y());
    m.attr("stroke", end.colour()).attr("marker-end", "url(#ah-" + end.marker() + ")").close();
    label(m, f.label(), x0, y0, end.x(), end.y());
    if (end.marker().equals("d")) {
      m.open("text").attr("class", "cross").attr("x", end.x()).attr("y", end.y() + 4);
      m.attr("text-anchor", "middle").text("✕").close();
    }
    m.close().newline();
  }

  /**
   * A delivered message's arrow reaches its lane at its delivery row; a dropped one stops short,
   * halfway if lost when sent, near the lane if a partition dropped it on delivery; one never
   * delivered runs dashed to the bottom.
   */
  private static End end(Traffic.Flow f, double x0, double y0, double xTo, long[] times, int rows) {
    if ("recv".equals(f.fate())) {
      boolean client = f.src().startsWith("c") || f.dest().startsWith("c");
      String kind = "error".equals(f.type()) ? "e" : client ? "c" : "s";
      String colour = kind.equals("e") ? ERROR : kind.equals("c") ? CLIENT : SERVER;
      return new End(xTo, y(row(times, f.doneAt())), colour, kind, "delivered");
    }
    if (f.fate() != null) {
      double at = "loss".equals(f.fate()) ? 0.5 : 0.85;
      double yDone = y(row(times, f.doneAt()));
      return new End(
          x0 + (xTo - x0) * at, y0 + (yDone - y0) * at, DROPPED, "d", "dropped " + f.fate());
    }
    return new End(xTo, y(rows), "#999", "u", "undelivered");
  }

  /** The label at the arrow's middle, along it, kept upright. */
  private static void label(Markup m, String text, double x0, double y0, double x1, double y1) {
    double angle = Math.toDegrees(Math.atan2(y1 - y0, x1 - x0));
    if (angle > 90) {
      angle -= 180;
    } else if (angle < -90) {
      angle += 180;
    }
    String at = Text.fixed((x0 + x1) / 2, 1) + " " + Text.fixed((y0 + y1) / 2, 1);
    m.open("text").attr("transform", "translate(" + at + ") rotate(" + Text.fixed(angle, 1) + ")");
    m.attr("y", -3).attr("text-anchor", "middle").text(text).close();
  }

  private static String title(Traffic.Flow f) {
    String fate =
        f.fate() == null
            ? "never delivered"
            : f.fate().equals("recv")
                ? "delivered after " + ms(f.doneAt() - f.sentAt())
                : "dropped by " + f.fate() + " after " + ms(f.doneAt() - f.sentAt());
    return f.src() + " → " + f.dest() + " #" + f.id() + ": " + f.label() + " (" + fate + ")";
  }

  private static String ms(long nanos) {
    return Text.fixed(nanos / 1e6, 3) + " ms";
  }
}
