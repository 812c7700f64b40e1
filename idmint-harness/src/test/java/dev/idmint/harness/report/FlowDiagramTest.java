package dev.idmint.harness.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.maelstrom.Traffic;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowDiagramTest {
  @Test
  void diagram_isReadable_andEscapesWhatNodesSent() {
    assertTrue(FlowDiagram.ROW >= 14 && FlowDiagram.LANE >= 100, "rows 14 px, lanes 100 px apart");
    List<Traffic.Flow> flows =
        List.of(
            new Traffic.Flow(1, "c2", "n0", "generate", "generate", 10, 10, "recv"),
            new Traffic.Flow(2, "n0", "n1", "gossip", "gossip {\"x\":\"</svg>\"}", 20, 30, "loss"));
    String svg = FlowDiagram.svg(flows, List.of("c2", "n0", "n1"), List.of()).toString();
    assertTrue(svg.startsWith("<svg id=\"messages\" xmlns=\"http://www.w3.org/2000/svg\""), svg);
    assertTrue(svg.contains(">gossip {&quot;x&quot;:&quot;&lt;/svg&gt;&quot;}<"), svg);
    assertTrue(svg.contains("<g class=\"msg dropped loss\">"));
    assertTrue(svg.contains(">n1</text>"), "a lane for every node");
    assertTrue(svg.indexOf("</svg>") == svg.length() - "</svg>\n".length(), "one svg, closed");
  }
}
