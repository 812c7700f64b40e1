package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HlcGeneratorTest {
  static final long HOUR = 3_600_000;

  final ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00.123Z");
  final List<IdEvent> events = new ArrayList<>();

  IdFactory.Builder builder() {
    return IdFactory.builder()
        .scheme(Scheme.HLC)
        .node("n1")
        .clock(clock)
        .ticker(clock::nanos)
        .startAhead(false)
        .events(events::add);
  }

  HlcId next(IdGenerator gen) {
    return assertInstanceOf(HlcId.class, gen.next());
  }

  @Test
  void tick_takesAFreshWallClockWithLcZero_andCountsWithinAMillisecond() {
    IdGenerator gen = builder().build();
    assertEquals(new HlcId(clock.getAsLong(), 0, "n1"), next(gen));
    assertEquals(new HlcId(clock.getAsLong(), 1, "n1"), next(gen));
    assertEquals("1748779200123_2_n1", gen.next().toString());
    clock.advance(5);
    assertEquals(new HlcId(clock.getAsLong(), 0, "n1"), next(gen));
    assertEquals(HlcId.pack(clock.getAsLong(), 1), gen.nextLong());
    assertEquals(Scheme.HLC, gen.scheme());
  }

  @Test
  void tick_afterClockJumpsBack_keepsPtAndGrowsLc_andReportsTheJumpAndLead() {
    IdGenerator gen = builder().build();
    HlcId before = next(gen);
    clock.advance(-HOUR);
    HlcId after = next(gen);
    assertEquals(before.pt(), after.pt());
    assertEquals(before.lc() + 1, after.lc());
    assertEquals(new ClockStats(HOUR, 1, HOUR), gen.clockStats());
    assertTrue(events.get(0) instanceof IdEvent.ClockWentBack, events::toString);
    assertEquals(
        new IdEvent.LeadPastBound(Duration.ofHours(1), Duration.ofSeconds(10)), events.get(1));
  }

  @Test
  void lcPastItsLargest_carriesIntoTheNextMillisecond_withoutWaiting() {
    IdGenerator gen = builder().build();
    long pt = clock.getAsLong();
    long[] batch = new long[(int) HlcId.MAX_LC + 3];
    gen.nextLongs(batch, 0, batch.length);
    assertEquals(HlcId.pack(pt, 0), batch[0]);
    assertEquals(HlcId.pack(pt, HlcId.MAX_LC), batch[(int) HlcId.MAX_LC]);
    assertEquals(HlcId.pack(pt + 1, 0), batch[(int) HlcId.MAX_LC + 1]);
    assertEquals(1, gen.clockStats().leadMillis());
  }

  /** The page's receive rule, case by case, with the wall clock behind, equal and ahead. */
  @Test
  void receive_followsTheRuleInEachCase() {
    IdGenerator gen = builder().maxObservedLead(Duration.ofDays(365 * 300)).build();
    long now = clock.getAsLong();
    HlcId local = next(gen); // (now, 0)

    gen.observe(HlcId.pack(now, 7)); // new_pt == local.pt == msg.pt: max(lc) + 1
    assertEquals(new HlcId(now, 8, "n1"), next(gen));

    gen.observe(HlcId.pack(now - 50, 99)); // new_pt == local.pt only: local.lc + 1
    assertEquals(new HlcId(now, 9, "n1"), next(gen));

    gen.observe(HlcId.pack(now + 20, 4)); // new_pt == msg.pt only: msg.lc + 1
    assertEquals(new HlcId(now + 20, 5, "n1"), next(gen));

    clock.advance(100); // new physical time: lc 0
    gen.observe(HlcId.pack(now + 30, 4));
    assertEquals(new HlcId(now + 100, 0, "n1"), next(gen));

    gen.observe(new HlcId(9_999_999_999_999L, 5, "n2")); // the track's sample: centuries ahead
    assertEquals(new HlcId(9_999_999_999_999L, 6, "n1"), next(gen));
    assertTrue(local.compareTo(next(gen)) < 0);
    assertTrue(
        events.stream().anyMatch(IdEvent.LeadPastBound.class::isInstance),
        "a lifted bound still warns of the lead");
  }

  /**
   * Random walks of the wall clock with random receives: every timestamp equals the page's rules
   * computed verbatim (with lc carrying into pt past its largest), and strictly increases.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 777, 31_337, -9})
  void randomTicksAndReceives_matchThePagesRules(long seed) {
    Random rnd = new Random(seed);
    IdGenerator gen = builder().maxObservedLead(Duration.ofHours(3)).build();
    long pt = 0;
    long lc = 0;
    long prevWall = clock.getAsLong();
    long jumps = 0;
    long largest = 0;
    for (int step = 0; step < 3000; step++) {
      switch (rnd.nextInt(6)) {
        case 0, 1 -> clock.advance(rnd.nextInt(3));
        case 2 -> clock.advance(-rnd.nextInt(100));
        case 3 -> clock.advance(-rnd.nextInt((int) HOUR));
        default -> {}
      }
      long now = clock.getAsLong();
      if (now < prevWall) {
        jumps++;
        largest = Math.max(largest, prevWall - now);
      }
      prevWall = now;
      long newPt;
      long newLc;
      if (rnd.nextInt(3) == 0) {
        long msgPt = Math.max(0, pt + rnd.nextInt(2000) - 1000);
        long msgLc = rnd.nextInt(4) == 0 ? HlcId.MAX_LC - rnd.nextInt(3) : rnd.nextInt(50);
        if (rnd.nextBoolean()) {
          msgPt = now + rnd.nextInt((int) HOUR);
        }
        msgPt = Math.min(msgPt, now + 3 * HOUR); // within the bound

        gen.observe(new HlcId(msgPt, msgLc, "n" + rnd.nextInt(9)));
        newPt = Math.max(pt, Math.max(msgPt, now));
        if (newPt == pt && newPt == msgPt) {
          newLc = Math.max(lc, msgLc) + 1;
        } else if (newPt == pt) {
          newLc = lc + 1;
        } else if (newPt == msgPt) {
          newLc = msgLc + 1;
        } else {
          newLc = 0;
        }
      } else if (now > pt) {
        newPt = now;
        newLc = 0;
      } else {
        newPt = pt;
        newLc = lc + 1;
      }
      if (newLc > HlcId.MAX_LC) { // carries, never waits
        newPt++;
        newLc = 0;
      }
      HlcId id = next(gen);
      assertEquals(new HlcId(newPt, newLc, "n1"), id, "seed " + seed + " step " + step);
      pt = newPt;
      lc = newLc;
      assertEquals(new ClockStats(Math.max(0, pt - now), jumps, largest), gen.clockStats());
    }
  }

  @Test
  void observe_pastTheBound_isRefusedAndChangesNothing_defaultBoundIsTheMaxLead() {
    IdGenerator gen = builder().build();
    HlcId first = next(gen);
    long ahead = clock.getAsLong() + 10_001;
    ObservedAheadException e =
        assertThrows(ObservedAheadException.class, () -> gen.observe(HlcId.pack(ahead, 0)));
    assertEquals(Duration.ofSeconds(10), e.bound());
    assertEquals(Instant.ofEpochMilli(ahead), e.observed());
    assertEquals(
        "refusing to order IDs after time 2025-06-01T12:00:10.124Z: it is 10.001 s ahead of the"
            + " wall clock (2025-06-01T12:00:00.123Z), past the 10 s bound on observed IDs",
        e.getMessage());
    assertEquals(new HlcId(first.pt(), 1, "n1"), next(gen), "nothing changed");

    gen.observe(HlcId.pack(ahead - 1, 0)); // exactly at the bound: followed
    assertEquals(new HlcId(ahead - 1, 1, "n1"), next(gen));

    IdGenerator strict = builder().maxLead(Duration.ofSeconds(2)).build();
    assertThrows(
        ObservedAheadException.class,
        () -> strict.observe(HlcId.pack(clock.getAsLong() + 2001, 0)));
    IdGenerator looser = builder().maxObservedLead(Duration.ofMinutes(1)).build();
    looser.observe(HlcId.pack(clock.getAsLong() + 59_000, 0));
  }

  @Test
  void observe_otherSchemeOrOutOfRange_isRefused() {
    IdGenerator gen = builder().build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> gen.observe(new SnowflakeId(5)));
    assertEquals(
        "cannot order hlc IDs after the snowflake ID 5: IDs of different schemes do not compare",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> gen.observe(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> gen.observe(HlcId.pack(HlcId.MAX_PT, HlcId.MAX_LC) + 1));
    assertThrows(IllegalArgumentException.class, () -> gen.observe((Id) null));
  }

  @Test
  void wallClockBefore1970_isIgnoredAndReportedWithTheHlcRange() {
    IdGenerator gen = builder().build();
    HlcId first = next(gen);
    clock.set(-5);
    assertEquals(new HlcId(first.pt(), 1, "n1"), next(gen));
    assertTrue(
        events.stream()
            .map(IdEvent::message)
            .anyMatch(
                m ->
                    m.equals(
                        "clock: wall clock reads 1969-12-31T23:59:59.995Z, outside what HLC IDs"
                            + " hold (1970-01-01T00:00:00Z to 2527-06-23T06:20:44.415Z); ignoring"
                            + " it, IDs go on from the logical clock")),
        events::toString);
  }

  @Test
  void restart_withClockSetBackHours_continuesAboveEveryOldId(@TempDir Path dir) {
    IdGenerator before = builder().stateDir(dir).build();
    HlcId last = null;
    for (int i = 0; i < 5000; i++) {
      last = next(before);
      if (i % 1000 == 0) {
        clock.advance(700); // past the lease now and then
      }
    }
    clock.advance(-5 * HOUR);
    events.clear();
    before.close(); // writes nothing: a kill, as far as the state file can tell
    IdGenerator after = builder().stateDir(dir).build();
    HlcId first = next(after);
    assertTrue(first.compareTo(last) > 0, first + " after " + last);
    IdEvent.StateResumed resumed = assertInstanceOf(IdEvent.StateResumed.class, events.get(1));
    assertTrue(resumed.message().contains("IDs go on after the lease"), resumed.message());
    assertTrue(((HlcId) resumed.floor()).compareTo(last) > 0);
    assertTrue(after.clockStats().leadMillis() >= 5 * HOUR);
  }
}
