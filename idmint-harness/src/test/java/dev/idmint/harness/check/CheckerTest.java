package dev.idmint.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.config.LatencyDist;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckerTest {
  /** IDs as a node would send them: each a JSON text, parsed as Maelstrom's reader would. */
  private static List<Object> ids(String... json) throws Exception {
    List<Object> out = new ArrayList<>();
    for (String j : json) {
      out.add(Json.parse(j));
    }
    return out;
  }

  /** An op on node {@code node} invoked at {@code at} ms and completed 1 ms later. */
  private static Op op(int node, long at, int type, Object value) {
    Op op = new Op(node, node, node, "c" + node, at, at * 1_000_000);
    op.complete(type, (at + 1) * 1_000_000, value, type == Op.OK ? null : "net-timeout", -1, null);
    return op;
  }

  private static Inputs inputs(
      Double availability, List<Op> ops, TransportStats net, Cluster.Health cluster) {
    Config c =
        new Config(
            List.of("/bin/node"),
            false,
            List.of("n0", "n1"),
            1,
            10,
            2,
            0,
            LatencyDist.CONSTANT,
            java.util.Set.of(),
            10,
            availability,
            1,
            1,
            Config.Logging.NONE,
            null,
            java.nio.file.Path.of("store"),
            null,
            false,
            List.of(),
            null);
    return new Inputs(
        c,
        true,
        0,
        1_000_000_000,
        1_100_000_000,
        0,
        new Workload.Outcome(ops, 0, 0),
        List.of(),
        net,
        cluster,
        null);
  }

  /** A transport that saw {@code violations} and nothing else. */
  private record FakeStats(List<Violation> violations) implements TransportStats {
    @Override
    public long violationCount() {
      return violations.size();
    }

    @Override
    public void addResults(Map<String, Object> results, int attempted) {}

    @Override
    public List<String> summary() {
      return List.of();
    }
  }

  private static TransportStats net(List<Violation> violations) {
    return new FakeStats(violations);
  }

  @Test
  void check_fromSnapshots_givesEveryReason_worstFirst() {
    List<Op> ops =
        List.of(
            op(0, 1, Op.OK, "a"),
            op(1, 2, Op.OK, "a"),
            op(0, 3, Op.INFO, null),
            op(1, 4, Op.OK, "b"));
    Violation v = new Violation(0, "n1", "not-json", "printed a line", true, "hello");
    Cluster.Health cluster =
        new Cluster.Health(List.of(new Cluster.Crash(0, "n0", 3, "bye")), List.of());
    Result r = Checker.check(inputs(1.0, ops, net(List.of(v)), cluster));
    assertEquals(Validity.FALSE, r.valid());
    assertEquals(List.of(3, 1, 0), List.of(r.ok(), r.info(), r.fail()));
    assertEquals(4.0, r.achievedRate());
    assertEquals(
        List.of(
            "n0 crashed on its own (exit status 3)",
            "1 ID was acknowledged more than once (e.g. \"a\" ×2)",
            "1 protocol violation (first: n1 printed a line)",
            "availability 0.75 is below the required total (1)"),
        r.reasons());
    assertEquals(3, r.latency().all().count());
    assertEquals(1.0, r.latency().all().max());
  }

  @Test
  void check_cleanRun_isValid_withNoReasons() {
    List<Op> ops = List.of(op(0, 1, Op.OK, "a"), op(1, 2, Op.OK, "b"));
    Result r =
        Checker.check(inputs(1.0, ops, net(List.of()), new Cluster.Health(List.of(), List.of())));
    assertEquals(Validity.TRUE, r.valid());
    assertTrue(r.reasons().isEmpty());
    assertEquals(Validity.TRUE, r.availability());
  }

  @Test
  void checker_withDuplicateAcrossNodes_isInvalid() throws Exception {
    Ids r = Ids.check(ids("\"n0-1\"", "\"n1-1\"", "\"n0-1\"", "\"n0-2\""));
    assertEquals(Validity.FALSE, r.valid());
    assertEquals(1, r.duplicatedCount());
    assertEquals("n0-1", r.duplicated().get(0).getKey());
    assertEquals(2, r.duplicated().get(0).getValue());
    assertEquals(4, r.acknowledged());
  }

  @Test
  void checker_withUniqueStrings_isValid_andReportsRange() throws Exception {
    Ids r = Ids.check(ids("\"n1-5\"", "\"n0-1\"", "\"n2-0\""));
    assertEquals(Validity.TRUE, r.valid());
    assertEquals("n0-1", r.range()[0]);
    assertEquals("n2-0", r.range()[1]);
  }

  @Test
  void checker_integerAndFloatOfSameValue_areDifferentIds_asInClojure() throws Exception {
    Ids r = Ids.check(ids("1", "1.0", "2"));
    assertEquals(Validity.TRUE, r.valid(), "(= 1 1.0) is false in Clojure");
    assertEquals(0L + 1, ((Long) r.range()[0]).longValue());
  }

  @Test
  void checker_stringAndIntegerWithSameDigits_areDifferent_butCannotBeOrdered_soUnknown()
      throws Exception {
    Ids r = Ids.check(ids("\"1\"", "1"));
    assertEquals(Validity.UNKNOWN, r.valid());
    assertEquals(0, r.duplicatedCount());
    assertNull(r.range());
    assertTrue(r.error().contains("string") && r.error().contains("integer"), r.error());
  }

  @Test
  void checker_duplicatesAmongIncomparableIds_isStillInvalid() throws Exception {
    Ids r = Ids.check(ids("\"a\"", "1", "\"a\""));
    assertEquals(Validity.FALSE, r.valid(), "a duplicate is certain, whatever the ordering");
    assertNotNull(r.error());
  }

  @Test
  void checker_twoObjects_cannotBeOrdered_butOneObjectIsFine() throws Exception {
    assertEquals(Validity.UNKNOWN, Ids.check(ids("{\"a\":1}", "{\"a\":2}")).valid());
    assertEquals(Validity.TRUE, Ids.check(ids("{\"a\":1}")).valid());
  }

  @Test
  void checker_equalObjectsWithKeysInAnotherOrder_areDuplicates() throws Exception {
    assertEquals(Validity.FALSE, Ids.check(ids("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}")).valid());
  }

  @Test
  void checker_arraysCompareByLengthThenElements() throws Exception {
    Ids r = Ids.check(ids("[1,2]", "[0,9,9]", "[1,3]", "[\"x\"]"));
    assertEquals(Validity.TRUE, r.valid(), "different lengths never compare elements");
    assertEquals(List.of("x"), r.range()[0]);
    assertEquals(List.of(0L, 9L, 9L), r.range()[1]);
    assertEquals(Validity.UNKNOWN, Ids.check(ids("[1,2]", "[\"a\",2]")).valid());
  }

  @Test
  void checker_integersBeyond64Bits_areEqualByValue() throws Exception {
    Ids r = Ids.check(ids("18446744073709551616", "18446744073709551616", "-1"));
    assertEquals(Validity.FALSE, r.valid());
    assertEquals(-1L, r.range()[0]);
  }

  @Test
  void checker_integersAndFloats_orderTogether() throws Exception {
    Ids r = Ids.check(ids("3", "2.5", "18446744073709551616"));
    assertEquals(Validity.TRUE, r.valid());
    assertEquals(2.5, r.range()[0]);
  }

  @Test
  void checker_nullOrdersBeforeEverything() throws Exception {
    Ids r = Ids.check(ids("\"b\"", "null", "\"a\""));
    assertEquals(Validity.TRUE, r.valid());
    assertEquals(Json.NULL, r.range()[0]);
  }

  @Test
  void checker_booleansAreComparable_butNotWithNumbers() throws Exception {
    assertEquals(Validity.TRUE, Ids.check(ids("true", "false")).valid());
    assertEquals(Validity.UNKNOWN, Ids.check(ids("true", "1")).valid());
  }

  @Test
  void checker_negativeZeroEqualsZero_asInClojure() throws Exception {
    assertEquals(Validity.FALSE, Ids.check(ids("0.0", "-0.0")).valid());
  }

  @Test
  void checker_listsAtMost48Duplicates_mostFrequentFirst() throws Exception {
    List<Object> acked = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      acked.add((long) i);
      acked.add((long) i);
    }
    acked.add(7L);
    Ids r = Ids.check(acked);
    assertEquals(60, r.duplicatedCount());
    assertEquals(48, r.duplicated().size());
    assertEquals(Map.entry((Object) 7L, 3), r.duplicated().get(0));
  }

  @Test
  void availability_total_requiresEveryOperationOk() {
    assertEquals(Validity.TRUE, Checker.availability(10, 10, 1.0));
    assertEquals(Validity.FALSE, Checker.availability(10, 9, 1.0));
  }

  @Test
  void availability_fraction_isAMinimum() {
    assertEquals(Validity.TRUE, Checker.availability(10, 9, 0.9));
    assertEquals(Validity.FALSE, Checker.availability(10, 8, 0.9));
  }

  @Test
  void availability_notAsked_isAlwaysValid() {
    assertEquals(Validity.TRUE, Checker.availability(10, 0, null));
  }

  @Test
  void validity_merge_keepsTheWorst() {
    assertEquals(Validity.FALSE, Validity.UNKNOWN.and(Validity.FALSE));
    assertEquals(Validity.UNKNOWN, Validity.TRUE.and(Validity.UNKNOWN));
    assertEquals(Validity.TRUE, Validity.TRUE.and(Validity.TRUE));
  }

  @Test
  void quantiles_useNearestRank_inMilliseconds() {
    long[] ns = new long[100];
    for (int i = 0; i < 100; i++) {
      ns[i] = (100 - i) * 1_000_000L; // 100 ms .. 1 ms, unsorted on purpose
    }
    Quantiles q = Quantiles.of(ns, 100);
    assertEquals(50.0, q.p50());
    assertEquals(95.0, q.p95());
    assertEquals(99.0, q.p99());
    assertEquals(100.0, q.max());
    assertEquals(Quantiles.EMPTY, Quantiles.of(ns, 0));
  }

  @Test
  void periods_runFromStartUntilItsStopTookEffect_andOpenOnesEndWithTheRun() {
    List<Nemesis.Entry> t =
        List.of(
            new Nemesis.Entry(10, 11, Fault.KILL, true, "kill", null, "killed n1"),
            new Nemesis.Entry(20, 21, Fault.PARTITION, true, "start-partition", null, "one"),
            new Nemesis.Entry(30, 45, Fault.KILL, false, "start", null, "restarted n1"));
    List<Period> p = Period.of(t, 100);
    assertEquals(
        List.of(
            new Period(Fault.KILL, 10, 45, "killed n1"),
            new Period(Fault.PARTITION, 20, 100, "one")),
        p);
    long[][] u = Period.union(p);
    assertEquals(1, u.length);
    assertTrue(Period.overlaps(u, 0, 10));
    assertTrue(Period.overlaps(u, 50, 60));
    assertFalse(Period.overlaps(u, 0, 9));
    assertFalse(Period.overlaps(u, 101, 200));
  }

  private static Op served(int instance, long invokeAt, long completeAt, Object id) {
    Op op = new Op(0, 0, instance, "c0", 1, invokeAt);
    op.complete(Op.OK, completeAt, id, null, -1, null, instance);
    return op;
  }

  @Test
  void instances_idsThatIncreaseInRealTime_haveNoOrderViolations() {
    List<Instance> r =
        InstanceOrder.instances(
            List.of(
                served(0, 0, 10, "5"),
                served(0, 1, 11, "4"), // sent before "5" was answered: either order is fine
                served(0, 20, 30, "w0-10"), // natural order: above "5"
                served(1, 0, 5, 7L),
                op(1, 6, Op.INFO, null)),
            List.of("n0", "n1"));
    assertEquals(0, r.get(0).orderViolations());
    assertEquals(3, r.get(0).latency().count());
    assertEquals(1, r.get(1).latency().count());
    assertEquals(List.of(0, 1), List.of(r.get(0).info(), r.get(1).info()));
  }

  @Test
  void instances_anIdBelowOneAnsweredBeforeItsRequest_isNamed() {
    Op high = served(0, 0, 10, "500");
    Op low = served(0, 12, 20, "300");
    Op lower = served(0, 25, 30, "200");
    List<Instance> r =
        InstanceOrder.instances(
            List.of(high, low, lower, served(1, 12, 20, "300")), List.of("n0", "n1"));
    assertEquals(2, r.get(0).orderViolations());
    assertEquals(low, r.get(0).firstViolation());
    assertEquals(high, r.get(0).after());
    assertEquals(0, r.get(1).orderViolations(), "other instances are judged on their own");
  }
}
