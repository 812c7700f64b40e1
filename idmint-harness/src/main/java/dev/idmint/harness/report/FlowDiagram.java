package dev.idmint.harness.report;

import dev.idmint.harness.check.Checker;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.maelstrom.Traffic;
import dev.idmint.harness.text.Text;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

  /**
   * @param lanes who gets a lane, left to right ({@link Traffic#lanes})
   * @param partitions partition periods, shaded over the rows they cover
   */
  public static String svg(
      List<Traffic.Flow> flows, List<String> lanes, List<Checker.Period> partitions) {
    Map<String, Integer> lane = new LinkedHashMap<>();
    lanes.forEach(l -> lane.put(l, lane.size()));
    long[] times = moments(flows);
    int rows = Math.max(1, times.length);
    int width = LEFT + LANE * lanes.size() + 20;
    int height = TOP + rows * ROW + 40;
    StringBuilder h = new StringBuilder(256 * flows.size() + 4096);
    head(h, width, height, flows.size());
    for (Checker.Period p : partitions) {
      band(h, p, times, width);
    }
    laneLines(h, lanes, rows);
    for (Traffic.Flow f : flows) {
      arrow(h, f, lane, times, rows);
    }
    h.append("<text x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(height - 14)
        .append("\">")
        .append(
            flows.size() >= Traffic.FLOW_LIMIT
                ? "The load's first " + flows.size() + " messages; later ones are not drawn."
                : "All " + flows.size() + " messages of the load.")
        .append("</text>\n</svg>\n");
    return h.toString();
  }

  /** The opening tag, style and arrowheads. */
  private static void head(StringBuilder h, int width, int height, int messages) {
    h.append("<svg id=\"messages\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"message flow of the first ")
        .append(messages)
        .append(" messages\">\n<style>")
        .append("svg{background:#fff}text{font:10px system-ui,sans-serif;fill:#333}")
        .append("text.lane{font-weight:600;fill:#000}text.lane.again{fill:#aaa;font-weight:400}")
        .append("g.msg text{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}")
        .append("g.msg line{stroke-width:1.4}g.msg.dropped line,g.msg.undelivered line")
        .append("{stroke-dasharray:4 3}text.cross{font-size:13px;font-weight:700;fill:")
        .append(DROPPED)
        .append("}text.band{fill:#7a6a20}</style>\n<defs>");
    for (String[] c :
        new String[][] {
          {"c", CLIENT}, {"s", SERVER}, {"e", ERROR}, {"d", DROPPED}, {"u", "#999"}
        }) {
      h.append("<marker id=\"ah-")
          .append(c[0])
          .append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\"")
          .append(
              " markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"")
          .append(" fill=\"")
          .append(c[1])
          .append("\"/></marker>");
    }
    h.append("</defs>\n");
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

  private static void laneLines(StringBuilder h, List<String> lanes, int rows) {
    for (int i = 0; i < lanes.size(); i++) {
      double x = x(i);
      h.append("<line x1=\"")
          .append(fmt(x))
          .append("\" x2=\"")
          .append(fmt(x))
          .append("\" y1=\"")
          .append(TOP - 6)
          .append("\" y2=\"")
          .append(fmt(y(rows)))
          .append("\" stroke=\"#ccc\"/>");
      // Names again every 50 rows, so a lane is known deep in a tall diagram.
      for (int r = 0; r < rows; r += 50) {
        h.append("<text class=\"lane")
            .append(r == 0 ? "" : " again")
            .append("\" x=\"")
            .append(fmt(x))
            .append("\" y=\"")
            .append(r == 0 ? TOP - 10 : fmt(y(r) - ROW / 2.0))
            .append("\" text-anchor=\"middle\">")
            .append(RunReport.esc(lanes.get(i)))
            .append("</text>");
      }
      h.append('\n');
    }
  }

  /** A partition: its rows shaded across the diagram, its shape written in the left margin. */
  private static void band(StringBuilder h, Checker.Period p, long[] times, int width) {
    int from = row(times, p.start());
    int to = row(times, p.end());
    if (times.length == 0 || from >= times.length) {
      return;
    }
    to = Math.min(to, times.length) - 1;
    if (to < from) {
      to = from;
    }
    double y0 = y(from) - ROW / 2.0;
    double y1 = y(to) + ROW / 2.0;
    h.append("<g class=\"partition\"><title>")
        .append(RunReport.esc("partition: " + p.label()))
        .append("</title><rect x=\"0\" y=\"")
        .append(fmt(y0))
        .append("\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(fmt(y1 - y0))
        .append("\" fill=\"")
        .append(RunReport.FAULT_COLOURS.get(Fault.PARTITION))
        .append("\" fill-opacity=\"0.45\"/>");
    String label = "partition: " + p.label();
    h.append("<text class=\"band\" x=\"4\" y=\"")
        .append(fmt(y0 + 11))
        .append("\">")
        .append(RunReport.esc(label.length() > 33 ? label.substring(0, 32) + "…" : label))
        .append("</text></g>\n");
  }

  /** Where an arrow ends, how it is drawn, and its CSS classes. */
  private record End(double x, double y, String colour, String marker, String cls) {}

  private static void arrow(
      StringBuilder h, Traffic.Flow f, Map<String, Integer> lane, long[] times, int rows) {
    Integer from = lane.get(f.src());
    Integer to = lane.get(f.dest());
    if (from == null || to == null) {
      return;
    }
    double x0 = x(from);
    double y0 = y(row(times, f.sentAt()));
    End end = end(f, x0, y0, x(to), times, rows);
    h.append("<g class=\"msg ")
        .append(end.cls())
        .append("\"><title>")
        .append(RunReport.esc(title(f)))
        .append("</title><line x1=\"")
        .append(fmt(x0))
        .append("\" y1=\"")
        .append(fmt(y0))
        .append("\" x2=\"")
        .append(fmt(end.x()))
        .append("\" y2=\"")
        .append(fmt(end.y()))
        .append("\" stroke=\"")
        .append(end.colour())
        .append("\" marker-end=\"url(#ah-")
        .append(end.marker())
        .append(")\"/>");
    label(h, f.label(), x0, y0, end.x(), end.y());
    if (end.marker().equals("d")) {
      h.append("<text class=\"cross\" x=\"")
          .append(fmt(end.x()))
          .append("\" y=\"")
          .append(fmt(end.y() + 4))
          .append("\" text-anchor=\"middle\">✕</text>");
    }
    h.append("</g>\n");
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
  private static void label(
      StringBuilder h, String text, double x0, double y0, double x1, double y1) {
    double angle = Math.toDegrees(Math.atan2(y1 - y0, x1 - x0));
    if (angle > 90) {
      angle -= 180;
    } else if (angle < -90) {
      angle += 180;
    }
    h.append("<text transform=\"translate(")
        .append(fmt((x0 + x1) / 2))
        .append(' ')
        .append(fmt((y0 + y1) / 2))
        .append(") rotate(")
        .append(fmt(angle))
        .append(")\" y=\"-3\" text-anchor=\"middle\">")
        .append(RunReport.esc(text))
        .append("</text>");
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
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  private static String fmt(double v) {
    return Text.fixed(v, 1);
  }
}
