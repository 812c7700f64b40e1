package dev.idmint.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.check.Checker;
import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.config.TestConfig;
import dev.idmint.harness.registry.Hold;
import dev.idmint.harness.registry.Holdings;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lanes of who held which worker, the summary's line and results.json's section, from holdings
 * made up here: n0 holds worker 0 until it is paused, n2 takes it over, and n0, resumed, still says
 * it holds it.
 */
class WorkersTest {
  private static final long S = 1_000_000_000L;

  private record NoStats() implements TransportStats {
    @Override
    public List<Violation> violations() {
      return List.of();
    }

    @Override
    public long violationCount() {
      return 0;
    }

    @Override
    public void addResults(Map<String, Object> results, int attempted) {}

    @Override
    public List<String> summary() {
      return List.of();
    }
  }

  /** Two ops answered "7" (a duplicate): by n0 at 6 s and n2 at 6 s. */
  private static List<Op> ops() {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Op op = new Op(0, i, i % 3, "c0", i, i * S / 2);
      Object id = i == 2 || i == 8 ? "dup" : "id" + i;
      op.complete(Op.OK, i * S / 2 + 1000, id, null, -1, null, i == 2 ? 0 : i % 3);
      ops.add(op);
    }
    return ops;
  }

  static Holdings holdings() {
    return new Holdings(
        "test",
        "etcd://127.0.0.1:1,127.0.0.1:2,127.0.0.1:3",
        "0-1",
        2000,
        List.of(
            new Hold(0, "n0", -S / 2, 3 * S, 5),
            new Hold(1, "n1", -S / 2, 9 * S, 6),
            new Hold(0, "n2", 5 * S, 9 * S, 40)),
        List.of(
            new Hold(0, "n0", -S / 2, 2 * S, -1),
            new Hold(1, "n1", -S / 2, 9 * S, -1),
            new Hold(0, "n2", 5 * S, 9 * S, -1),
            new Hold(0, "n0", 6 * S, 8 * S, -1)),
        Map.of(0, "2026-12-07T03:00:00.000Z"),
        90,
        0,
        270,
        List.of(),
        null);
  }

  private static Result result(Holdings h) {
    return Checker.check(
        new Inputs(
            TestConfig.http(3, 2, 1, 1),
            true,
            0,
            10 * S,
            10 * S,
            0,
            new Workload.Outcome(ops(), 0, 0),
            List.of(),
            new NoStats(),
            new Cluster.Health(List.of(), List.of()),
            h));
  }

  @Test
  void holdings_changesAndConflicts_areDerivedFromTheHolds() {
    Holdings h = holdings();
    assertEquals(List.of(0, 1), h.workers());
    assertEquals(List.of("n0", "n1", "n2"), h.holders());
    assertEquals(List.of(new Holdings.Change(0, "n0", "n2", 5 * S)), h.changes());
    assertEquals(List.of(new Holdings.Stale("n0", 0, "n2", 6 * S, 8 * S)), h.stale());
  }

  @Test
  void duplicate_isExplainedByWhoAnsweredIt_andTheStaleHolder() {
    Result r = result(holdings());
    assertEquals(
        "1 ID was acknowledged more than once (e.g. \"dup\" ×2, from n0 at 1.000 s and n2 at"
            + " 4.000 s); n0 said it held worker 0 while etcd had given it to n2 (6.000 s–8.000 s)",
        r.reasons().get(0));
  }

  @Test
  void summary_namesTheChangesOfHolder_andHowLongAnInstanceSaidItHeldAnothersWorker() {
    List<String> lines = Summary.lines(result(holdings()), Path.of("store/run"));
    assertTrue(
        lines.contains(
            "workers      2 workers held by 3 instances (fleet test, worker ids 0-1, TTL 2 s); 1"
                + " change of holder: worker 0 n0 → n2 at 5.000 s"),
        String.join("\n", lines));
    assertTrue(
        lines.contains(
            "             n0 said it held worker 0 while etcd had given it to n2 for 2.00 s, from"
                + " 6.000 s"),
        String.join("\n", lines));
  }

  @Test
  void report_drawsALanePerWorker_withEachHold_andTheConflictInRed() {
    Result r = result(holdings());
    String html = RunReport.html(r, Summary.lines(r, Path.of("store/run")), null, 0);
    assertEquals(2, count(html, "<g class=\"worker\""), "a lane per worker");
    assertEquals(3, count(html, "class=\"held\""), "a bar per owner key");
    assertEquals(4, count(html, "class=\"said\""), "a thin bar per hold an instance said it had");
    assertEquals(1, count(html, "class=\"conflict\""));
    assertTrue(
        html.contains("n0 said it held worker 0 while etcd had given it to n2 (6.00–8.00 s)"));
    assertTrue(html.contains("<h2 id=\"workers\">Who held which worker</h2>"));
  }

  @Test
  void report_withNothingSeenHeld_saysSo() {
    Holdings h = holdings();
    Holdings none =
        new Holdings(
            h.fleet(),
            h.url(),
            null,
            2000,
            List.of(),
            List.of(),
            Map.of(),
            9,
            0,
            0,
            List.of("n0", "n1", "n2"),
            null);
    Result r = result(none);
    String html = RunReport.html(r, Summary.lines(r, Path.of("store/run")), null, 0);
    assertFalse(html.contains("<g class=\"worker\""));
    assertTrue(html.contains("none seen held (fleet test, TTL 2 s): no owner keys"), html);
  }

  @Test
  void results_haveARegistrySection_withEveryHoldByWorker() {
    Map<String, Object> json = Results.results(result(holdings()));
    Map<?, ?> reg = (Map<?, ?>) json.get("registry");
    assertEquals("0-1", reg.get("worker_ids"));
    List<?> workers = (List<?>) reg.get("workers");
    Map<?, ?> w0 = (Map<?, ?>) workers.get(0);
    assertEquals(0, w0.get("worker"));
    assertEquals("2026-12-07T03:00:00.000Z", w0.get("time"));
    assertEquals(2, ((List<?>) w0.get("holders")).size());
    assertEquals(
        Map.of("instance", "n2", "from", 5.0, "to", 9.0, "owner_revision", 40L),
        ((List<?>) w0.get("holders")).get(1));
    assertEquals(1, ((List<?>) reg.get("changes")).size());
    assertEquals(1, ((List<?>) reg.get("stale")).size());
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int at = s.indexOf(what); at >= 0; at = s.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }
}
