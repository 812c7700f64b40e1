package dev.idmint.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.check.Checker;
import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.config.TestConfig;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report of a run made up here, against a transport that only reports what it is given. */
class RunReportTest {
  /** What a transport saw: only the violations given, and a summary line of its own. */
  private record FakeStats(List<Violation> violations) implements TransportStats {
    @Override
    public long violationCount() {
      return violations.size();
    }

    @Override
    public void addResults(Map<String, Object> results, int attempted) {
      results.put("net", Map.of("fake", true));
    }

    @Override
    public List<String> summary() {
      return List.of("network      fake");
    }
  }

  /** 200 ops a second for {@code seconds}, each 1 ms, all ok, on n0 and n1 in turn. */
  private static List<Op> ops(double seconds) {
    List<Op> ops = new ArrayList<>();
    for (long t = 0; t < seconds * 1e9; t += 5_000_000L) {
      Op op = new Op(0, 0, ops.size() % 2, "c0", ops.size(), t);
      op.complete(Op.OK, t + 1_000_000, "n" + ops.size(), null, -1, null);
      ops.add(op);
    }
    return ops;
  }

  private static Result result(List<Op> ops, long end, List<Violation> violations) {
    List<Nemesis.Entry> timeline =
        List.of(
            new Nemesis.Entry(
                100_000_000, 100_000_000, Fault.KILL, true, "kill", null, "killed n1"),
            new Nemesis.Entry(900_000_000, 950_000_000, Fault.KILL, false, "start", null, "ok"));
    return Checker.check(
        new Inputs(
            TestConfig.of(2, 200, 2, 1),
            true,
            0,
            end,
            end,
            0,
            new Workload.Outcome(ops, 0, 0),
            timeline,
            new FakeStats(violations),
            new Cluster.Health(List.of(), List.of()),
            null));
  }

  @Test
  void whatANodePrinted_isEscaped_andNeverMarkup() {
    String line = "<script>alert(\"x\")</script> & <img src=x>";
    Violation v = new Violation(5, "n0", "not-json", "printed " + line, true, line);
    Result r = result(ops(1), 1_000_000_000L, List.of(v));
    String html = RunReport.html(r, Summary.lines(r, Path.of("store/run")), null, 0);
    assertFalse(html.contains("<script"), "no script element comes from a node");
    assertFalse(html.contains("<img"), "nor any other");
    assertTrue(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;"));
    assertTrue(html.contains("<title>idmint test: invalid</title>"));
  }

  @Test
  void page_holdsAPointPerOperation_thePeriodsAndTheVerdict() {
    List<Op> ops = ops(1);
    Result r = result(ops, 1_000_000_000L, List.of());
    String html = RunReport.html(r, Summary.lines(r, Path.of("store/run")), null, 0);
    assertEquals(ops.size(), count(html, "<circle class=\"ok\""));
    assertEquals(1, count(html, "<g class=\"period kill\""));
    assertTrue(html.contains("<div class=\"verdict valid\" id=\"verdict\">Everything looks good!"));
    assertTrue(html.contains("<i class=\"sw\" style=\"background:#81BFFC\"></i>ok"), "no <i/>");
    assertTrue(html.contains("network      fake"), "the transport's own summary line");
    assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\"><head>"));
    assertTrue(html.endsWith("</body></html>\n"));
  }

  @Test
  void throughput_ofASteadyLoad_staysSteadyToTheEnd() {
    // 200/s for 2 s, and 4 ms more while the last replies come in: the last bucket is a sliver.
    List<Op> ops = ops(2);
    Result r = result(ops, 2_004_000_000L, List.of());
    Rates rates = Rates.of(r.in(), 2.004);
    double[] ok = rates.perSecond()[Op.OK];
    assertEquals(4, ok.length, "the sliver joins the last bucket");
    for (double v : ok) {
      assertEquals(200, v, 2, "every point near the real rate: " + java.util.Arrays.toString(ok));
    }
    assertEquals(2.004, rates.edges()[4], 1e-9);
  }

  @Test
  void results_takeTheTransportsOwnSections() {
    Result r = result(ops(1), 1_000_000_000L, List.of());
    Map<String, Object> json = Results.results(r);
    assertEquals(Map.of("fake", true), json.get("net"));
    assertEquals(true, json.get("valid"));
    assertEquals(
        List.of(
            "valid",
            "reasons",
            "workload",
            "availability",
            "stats",
            "latency",
            "rate",
            "net",
            "nemesis",
            "protocol",
            "nodes",
            "test"),
        List.copyOf(json.keySet()),
        "the order results.json has always had");
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }
}
