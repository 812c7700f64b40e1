package dev.idmint.harness.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.Fault;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NemesisPlanTest {
  private static final Set<Fault> ALL = EnumSet.allOf(Fault.class);

  @Test
  void plan_withSameSeed_isTheSame() {
    assertEquals(
        NemesisPlan.plan(7, ALL, 5, 2, 60, false), NemesisPlan.plan(7, ALL, 5, 2, 60, false));
  }

  @Test
  void plan_withAnotherSeed_differs() {
    assertNotEquals(
        NemesisPlan.plan(7, ALL, 5, 2, 60, false), NemesisPlan.plan(8, ALL, 5, 2, 60, false));
  }

  @Test
  void plan_eachFaultAlternatesStartAndStop_fromTimeZero_withinTheLimit() {
    List<NemesisPlan.Event> plan = NemesisPlan.plan(3, ALL, 5, 1, 30, false);
    for (Fault f : ALL) {
      List<NemesisPlan.Event> mine = plan.stream().filter(e -> e.fault() == f).toList();
      assertTrue(mine.size() > 4, f + " has " + mine.size());
      if (f != Fault.KILL && f != Fault.PAUSE) {
        assertEquals(0, mine.get(0).at(), f + " starts at time 0, as Jepsen's flip-flop");
      }
      for (int i = 0; i < mine.size(); i++) {
        assertEquals(i % 2 == 0, mine.get(i).start());
        assertTrue(mine.get(i).at() < 30e9);
        if (i > 0) {
          long gap = mine.get(i).at() - mine.get(i - 1).at();
          assertTrue(gap >= 0 && gap < 2e9, "gaps are uniform in [0, 2 x interval): " + gap);
        }
      }
    }
    for (int i = 1; i < plan.size(); i++) {
      assertTrue(plan.get(i - 1).at() <= plan.get(i).at(), "sorted by time");
    }
  }

  /** The kill timeline of the 8-second command that must catch a node that forgets its state. */
  private static List<NemesisPlan.Event> kills(long seed, boolean http) {
    return NemesisPlan.plan(seed, EnumSet.of(Fault.KILL), 3, 2, 8, http);
  }

  @Test
  void kill_startsAfterAHealthyStretch_soTheNodeHasIssuedIds() {
    for (long seed = 1; seed <= 50; seed++) {
      long first = kills(seed, false).get(0).at();
      assertTrue(first > 0, "no kill at time 0, before any ID is issued");
      assertTrue(first < 4e9, "the stretch is a gap like the others: " + first);
    }
  }

  @Test
  void kill_restartsEveryKilledNode_aRecoveryWindowBeforeTheEnd() {
    assertEquals(2e9, NemesisPlan.recovery(2, 8_000_000_000L), "the interval");
    assertEquals(1e9, NemesisPlan.recovery(10, 4_000_000_000L), "at most a quarter of the load");
    for (long seed = 1; seed <= 50; seed++) {
      List<NemesisPlan.Event> plan = kills(seed, seed % 2 == 0);
      assertFalse(plan.isEmpty(), "a kill happens in every run of the 8-second command");
      NemesisPlan.Event last = plan.get(plan.size() - 1);
      assertFalse(last.start(), "every kill is followed by a restart: " + plan);
      assertTrue(last.at() <= 6e9, "restarted by 6 s, 2 s before the end: " + last);
    }
  }

  @Test
  void kill_alwaysTakesANode_evenWhereTheNodeSpecPicksNone() {
    int minorityThird = 0;
    for (long seed = 1; seed <= 40; seed++) {
      for (NemesisPlan.Event e :
          NemesisPlan.plan(seed, EnumSet.of(Fault.KILL), 3, 0.5, 30, false)) {
        if (e.start()) {
          assertFalse(e.nodes().isEmpty(), e.toString());
          minorityThird += "minority-third".equals(e.spec()) ? 1 : 0;
        }
      }
    }
    assertTrue(minorityThird > 0, "minority-third of 3 nodes, which is nobody, came up");
  }

  @Test
  void plan_addingAFault_leavesTheOthersScheduleAlone() {
    List<NemesisPlan.Event> alone =
        NemesisPlan.plan(5, EnumSet.of(Fault.PARTITION), 5, 2, 60, false);
    List<NemesisPlan.Event> mixed =
        NemesisPlan.plan(5, ALL, 5, 2, 60, false).stream()
            .filter(e -> e.fault() == Fault.PARTITION)
            .toList();
    assertEquals(alone, mixed);
  }

  @Test
  void plan_clockBumpsRangeFromMillisecondsToHours_bothWays() {
    long min = Long.MAX_VALUE;
    long max = 0;
    boolean back = false;
    boolean forward = false;
    for (NemesisPlan.Event e : NemesisPlan.plan(11, EnumSet.of(Fault.CLOCK), 5, 0.05, 600, false)) {
      if (e.start() && e.kind().equals("bump")) {
        for (long d : e.deltas().values()) {
          min = Math.min(min, Math.abs(d));
          max = Math.max(max, Math.abs(d));
          back |= d < 0;
          forward |= d > 0;
        }
      }
    }
    assertTrue(back && forward);
    assertTrue(min >= 1 && min < 10, "smallest " + min);
    assertTrue(max <= 2 * 3600_000 && max > 1800_000, "largest " + max);
  }

  @Test
  void plan_clockRewinds_landInTimeEachNodeAlreadyUsed() {
    int rewinds = 0;
    for (long seed = 1; seed <= 20; seed++) {
      long[] set = new long[3];
      for (NemesisPlan.Event e : NemesisPlan.plan(seed, EnumSet.of(Fault.CLOCK), 3, 2, 60, false)) {
        if (!e.start()) {
          java.util.Arrays.fill(set, e.at());
          continue;
        }
        if (e.kind().equals("rewind")) {
          rewinds++;
          for (Map.Entry<Integer, Long> d : e.deltas().entrySet()) {
            double used = (e.at() - set[d.getKey()]) / 1e6;
            assertTrue(used >= NemesisPlan.MIN_REWIND_WINDOW_NANOS / 1e6, e.toString());
            assertTrue(d.getValue() < 0, "a rewind goes back");
            assertTrue(-d.getValue() <= used + 1 && -d.getValue() >= 0.5 * used - 1, e.toString());
          }
        }
        for (int n : e.nodes()) {
          set[n] = e.at();
        }
      }
    }
    assertTrue(rewinds > 20, "rewinds are common: " + rewinds);
  }

  @Test
  void plan_clockStarts_mixRewindsStrobesAndBumps_onAtLeastOneNode() {
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (NemesisPlan.Event e : NemesisPlan.plan(5, EnumSet.of(Fault.CLOCK), 3, 1, 600, false)) {
      if (e.start()) {
        kinds.merge(e.kind(), 1, Integer::sum);
        assertFalse(e.nodes().isEmpty(), "minority-third of 3 still picks a node");
        assertEquals("strobe".equals(e.kind()) ? "strobe-clock" : "bump-clock", e.f());
        if (e.strobe() != null) {
          long d = Math.abs(e.strobe().deltaMs());
          assertTrue(d >= 4 && d <= 2048, e.toString());
          long p = e.strobe().periodMs();
          assertTrue(p >= 1 && p <= 1024 && p <= d + 1, "a swing lasts no longer than it is large");
        }
      }
    }
    assertEquals(java.util.Set.of("bump", "rewind", "strobe"), kinds.keySet());
  }

  @Test
  void plan_firstClockStart_cannotRewind_asNothingIsUsedYet() {
    for (long seed = 1; seed <= 50; seed++) {
      NemesisPlan.Event first =
          NemesisPlan.plan(seed, EnumSet.of(Fault.CLOCK), 3, 2, 8, false).get(0);
      assertEquals(0, first.at());
      assertNotEquals("rewind", first.kind());
    }
  }

  @Test
  void plan_partitionStartsCarryAGrudge_killStartsTheirTargets() {
    for (NemesisPlan.Event e : NemesisPlan.plan(2, ALL, 5, 1, 60, false)) {
      if (e.start() && e.fault() == Fault.PARTITION) {
        assertEquals(5, e.grudge().size(), e.toString());
      }
      if (e.start() && e.fault() == Fault.KILL) {
        assertTrue(NemesisPlan.NODE_SPECS.contains(e.spec()));
        assertTrue(e.nodes().stream().allMatch(n -> n >= 0 && n < 5));
      }
    }
  }

  @Test
  void targets_followJepsenNodeSpecs() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    assertEquals(1, NemesisPlan.targets("one", 5, r).size());
    assertEquals(1, NemesisPlan.targets("minority-third", 5, r).size());
    assertEquals(2, NemesisPlan.targets("minority", 5, r).size());
    assertEquals(3, NemesisPlan.targets("majority", 5, r).size());
    assertEquals(List.of(0, 1, 2, 3, 4), NemesisPlan.targets("all", 5, r));
  }

  @Test
  void plan_forHttpInstances_cutsSomeOffFromClients_stallingOrRefusing() {
    List<NemesisPlan.Event> cuts =
        NemesisPlan.plan(9, EnumSet.of(Fault.PARTITION), 3, 1, 120, true).stream()
            .filter(NemesisPlan.Event::start)
            .toList();
    Set<String> kinds = new java.util.HashSet<>();
    for (NemesisPlan.Event e : cuts) {
      assertEquals(null, e.grudge(), "instances have no grudges between them");
      assertFalse(e.nodes().isEmpty(), "a cut cuts at least one instance off");
      assertTrue(e.nodes().stream().allMatch(i -> i >= 0 && i < 3));
      assertTrue(NemesisPlan.NODE_SPECS.contains(e.spec()), e.spec());
      kinds.add(e.kind());
    }
    assertEquals(Set.of("stall", "refuse"), kinds);
    assertEquals(
        NemesisPlan.plan(9, ALL, 3, 1, 120, true), NemesisPlan.plan(9, ALL, 3, 1, 120, true));
    assertEquals(
        NemesisPlan.plan(9, EnumSet.of(Fault.KILL, Fault.CLOCK), 3, 1, 60, false),
        NemesisPlan.plan(9, EnumSet.of(Fault.KILL, Fault.CLOCK), 3, 1, 60, true),
        "only partitions differ for HTTP");
  }

  @Test
  void pause_isPlannedAsKillIs_andWithARegistry_outlastsItsTtl() {
    long least = 3_000_000_000L;
    for (long seed = 1; seed <= 50; seed++) {
      List<NemesisPlan.Event> kills =
          NemesisPlan.plan(seed, EnumSet.of(Fault.KILL), 3, 2, 20, true);
      List<NemesisPlan.Event> pauses =
          NemesisPlan.plan(seed, EnumSet.of(Fault.PAUSE), 3, 2, 20, true, least);
      assertEquals(
          kills,
          NemesisPlan.plan(seed, EnumSet.of(Fault.KILL), 3, 2, 20, true, least),
          "a least pause leaves kills alone");
      assertTrue(pauses.get(0).at() > 0, "a pause begins after a healthy stretch");
      for (int i = 0; i < pauses.size(); i += 2) {
        NemesisPlan.Event start = pauses.get(i);
        NemesisPlan.Event stop = pauses.get(i + 1);
        assertTrue(start.start() && !stop.start() && !start.nodes().isEmpty());
        assertEquals("pause", start.f());
        assertEquals("resume", stop.f());
        assertTrue(stop.at() <= 18e9, "resumed before the recovery window: " + stop);
        assertTrue(stop.at() - start.at() >= least, "at least the TTL and a second: " + stop);
      }
    }
  }

  @Test
  void registry_killsOneEtcdMember_orCutsInstancesOffFromEtcd() {
    Set<String> kinds = new java.util.HashSet<>();
    for (NemesisPlan.Event e : NemesisPlan.plan(4, EnumSet.of(Fault.REGISTRY), 3, 1, 120, true)) {
      assertEquals(e.start() ? "start-registry" : "stop-registry", e.f());
      if (!e.start()) {
        continue;
      }
      kinds.add(e.kind());
      assertFalse(e.nodes().isEmpty());
      if (e.kind().equals("member")) {
        assertEquals(1, e.nodes().size(), "one member of three: etcd keeps its quorum");
        assertTrue(e.nodes().get(0) >= 0 && e.nodes().get(0) < 3);
      } else {
        assertTrue(NemesisPlan.NODE_SPECS.contains(e.spec()), e.spec());
        assertTrue(e.nodes().stream().allMatch(i -> i >= 0 && i < 3));
      }
    }
    assertEquals(Set.of("member", "stall", "refuse"), kinds);
  }
}
