package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnowflakeGeneratorTest {
  static final long EPOCH = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long HOUR = 3_600_000;

  final ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00.123Z");
  final List<IdEvent> events = new ArrayList<>();

  /** The events as log lines. */
  List<String> lines() {
    return events.stream().map(IdEvent::message).toList();
  }

  IdGenerator generator(int worker) {
    return IdFactory.builder()
        .scheme(Scheme.SNOWFLAKE)
        .node("n" + worker, List.of("n" + worker))
        .clock(clock)
        .ticker(clock::nanos)
        .startAhead(false)
        .events(events::add)
        .build();
  }

  static long time(long id) {
    return id >>> 22;
  }

  @Test
  void nextLong_packsTimeWorkerAndSequence() {
    IdGenerator gen = generator(5);
    long a = gen.nextLong();
    long b = gen.nextLong();
    assertEquals((clock.getAsLong() - EPOCH) << 22 | 5L << 12, a);
    assertEquals(a + 1, b);
    SnowflakeId id = new SnowflakeId(b);
    assertEquals(Instant.parse("2025-06-01T12:00:00.123Z"), id.timestamp());
    assertEquals(5, id.worker());
    assertEquals(1, id.sequence());
  }

  @Test
  void next_isTheSnowflakeIdOfTheNextValue() {
    IdGenerator gen = generator(3);
    long before = gen.nextLong();
    Id id = gen.next();
    SnowflakeId s = assertInstanceOf(SnowflakeId.class, id);
    assertEquals(before + 1, s.value());
    assertEquals(Scheme.SNOWFLAKE, gen.scheme());
    assertEquals(id, Id.parse(id.toString()));
  }

  @Test
  void sequence_restartsAtZeroWhenTheWallClockMovesOn() {
    IdGenerator gen = generator(1);
    gen.nextLong();
    gen.nextLong();
    clock.advance(1);
    SnowflakeId id = new SnowflakeId(gen.nextLong());
    assertEquals(0, id.sequence());
    assertEquals(clock.getAsLong(), id.timestamp().toEpochMilli());
  }

  @Test
  void burstOf10000_inOneMillisecond_carriesIntoFollowingMillisecondsWithoutWaiting() {
    IdGenerator gen = generator(7);
    long t0 = clock.getAsLong() - EPOCH;
    long prev = -1;
    for (int i = 0; i < 10_000; i++) {
      long id = gen.nextLong();
      assertTrue(id > prev);
      SnowflakeId s = new SnowflakeId(id);
      assertEquals(t0 + i / 4096, time(id));
      assertEquals(i % 4096, s.sequence());
      assertEquals(7, s.worker());
      prev = id;
    }
    assertEquals(new ClockStats(2, 0, 0), gen.clockStats());
  }

  @Test
  void generate_afterClockJumpsBack_staysIncreasingAndReportsTheJump() {
    IdGenerator gen = generator(2);
    long before = gen.nextLong();
    clock.advance(-HOUR);
    long after = gen.nextLong();
    assertTrue(after > before);
    assertEquals(
        time(before), time(after), "the logical clock holds until the wall clock catches up");
    assertEquals(new ClockStats(HOUR, 1, HOUR), gen.clockStats());
    Instant now = Instant.ofEpochMilli(clock.getAsLong());
    assertEquals(
        List.of(
            new IdEvent.ClockWentBack(
                now.plusMillis(HOUR), now, Duration.ofHours(1), 1, Duration.ofHours(1), 0),
            new IdEvent.LeadPastBound(Duration.ofHours(1), Duration.ofSeconds(10))),
        events);
  }

  @Test
  void generate_frozenClock_keepsIncreasingAndTheLeadGrows() {
    IdGenerator gen = generator(0);
    long prev = gen.nextLong();
    for (int i = 0; i < 100 * 4096; i++) {
      long id = gen.nextLong();
      assertTrue(id > prev);
      prev = id;
    }
    assertEquals(100, gen.clockStats().leadMillis());
    assertEquals(0, gen.clockStats().backwardJumps());
  }

  @Test
  void leadPastTheBound_warnsOnce_andOnceWhenBackUnderHalf() {
    IdGenerator gen =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n1", List.of("n1"))
            .clock(clock)
            .ticker(clock::nanos)
            .startAhead(false)
            .maxLead(Duration.ofMillis(100))
            .events(events::add)
            .build();
    gen.nextLong();
    clock.advance(-1000);
    for (int i = 0; i < 20; i++) {
      gen.nextLong();
      clock.advance(10);
    }
    assertEquals(
        1,
        lines().stream().filter(e -> e.contains("past the 100 ms bound")).count(),
        () -> lines().toString());
    for (int i = 0; i < 100; i++) {
      gen.nextLong();
      clock.advance(10);
    }
    assertEquals(
        1,
        lines().stream().filter(e -> e.contains("past the 100 ms bound")).count(),
        () -> lines().toString());
    assertEquals(
        1,
        lines().stream().filter(e -> e.contains("back within 50 ms")).count(),
        () -> lines().toString());
    assertEquals(0, gen.clockStats().leadMillis());
  }

  @Test
  void backwardJumps_areReportedWhenLargerOrRateLimited() {
    IdGenerator gen = generator(1);
    gen.nextLong();
    for (int i = 0; i < 50; i++) { // 50 small jumps back of 1 ms: only the first is reported
      clock.advance(2);
      gen.nextLong();
      clock.advance(-1);
      gen.nextLong();
    }
    assertEquals(
        1, lines().stream().filter(e -> e.contains("went back")).count(), () -> lines().toString());
    clock.advance(-5); // larger than any before: reported at once
    gen.nextLong();
    assertEquals(
        2, lines().stream().filter(e -> e.contains("went back")).count(), () -> lines().toString());
    clock.advance(Drift.JUMP_REPORT_INTERVAL_MILLIS + 10); // 10 s on from the last report
    gen.nextLong();
    clock.advance(-1);
    gen.nextLong();
    clock.advance(2); // and right after it, not again
    gen.nextLong();
    clock.advance(-1);
    gen.nextLong();
    List<String> jumps = lines().stream().filter(e -> e.contains("went back")).toList();
    assertEquals(3, jumps.size(), () -> lines().toString());
    assertTrue(
        jumps
            .get(1)
            .endsWith("[51 jump(s), largest 5 ms; 49 smaller jump(s) since the last report]"),
        jumps::toString);
    assertTrue(jumps.get(2).endsWith("[52 jump(s), largest 5 ms]"), jumps::toString);
    assertEquals(new ClockStats(gen.clockStats().leadMillis(), 53, 5), gen.clockStats());
  }

  @Test
  void backwardJump_landingTenSecondsFromTheLastReport_isReportedAtOnce() {
    IdGenerator gen = generator(1);
    gen.nextLong();
    clock.advance(-HOUR); // reported: the first
    gen.nextLong();
    clock.advance(HOUR);
    gen.nextLong();
    clock.advance(-HOUR + 1); // smaller, but lands 1 ms from the last report: counted only
    gen.nextLong();
    clock.advance(HOUR);
    gen.nextLong();
    clock.advance(-HOUR / 2); // smaller, and lands half an hour from it: news
    gen.nextLong();
    List<IdEvent.ClockWentBack> jumps =
        events.stream()
            .filter(IdEvent.ClockWentBack.class::isInstance)
            .map(IdEvent.ClockWentBack.class::cast)
            .toList();
    assertEquals(2, jumps.size(), () -> lines().toString());
    assertEquals(3, jumps.get(1).jumps());
    assertEquals(1, jumps.get(1).unreported());
    assertEquals(Duration.ofHours(1), jumps.get(1).largest());
    assertEquals(Duration.ofMinutes(30), Duration.between(jumps.get(1).to(), jumps.get(1).from()));
  }

  @Test
  void wallClockBeforeTheEpoch_isIgnoredAndReported() {
    IdGenerator gen = generator(1);
    long prev = gen.nextLong();
    clock.set(0); // 1970
    for (int i = 0; i < 5000; i++) {
      long id = gen.nextLong();
      assertTrue(id > prev);
      prev = id;
    }
    clock.set(Instant.parse("2025-06-01T12:00:01Z").toEpochMilli());
    long back = gen.nextLong();
    assertEquals(clock.getAsLong() - EPOCH, time(back));
    assertEquals(
        1,
        lines().stream().filter(e -> e.contains("reads 1970-01-01T00:00:00Z, outside")).count(),
        () -> lines().toString());
    assertEquals(
        1,
        lines().stream().filter(e -> e.contains("back in range")).count(),
        () -> lines().toString());
  }

  @Test
  void wallClockBeforeTheEpochAtStart_isReportedAtOnce() {
    clock.set(0);
    IdGenerator gen = generator(1);
    assertTrue(
        lines().stream().anyMatch(e -> e.contains("reads 1970-01-01T00:00:00Z, outside")),
        () -> lines().toString());
    assertTrue(gen.nextLong() < gen.nextLong());
  }

  @Test
  void wallClockBeyondThe41BitRange_isIgnoredInsteadOfBurningTheIdSpace() {
    IdGenerator gen = generator(1);
    long prev = gen.nextLong();
    clock.set(Instant.parse("2300-01-01T00:00:00Z").toEpochMilli());
    long id = gen.nextLong();
    assertEquals(prev + 1, id);
    assertTrue(
        lines().stream().anyMatch(e -> e.contains("reads 2300-01-01T00:00:00Z, outside")),
        () -> lines().toString());
  }

  @Test
  void logicalClockAtTheEndOfTheRange_throwsIdStateExceptionInsteadOfRepeating() {
    clock.set(EPOCH + SnowflakeId.MAX_TIME);
    IdGenerator gen = generator(1023);
    long last = 0;
    for (int i = 0; i < 4096; i++) {
      last = gen.nextLong();
    }
    assertEquals(Long.MAX_VALUE, last);
    IdStateException e = assertThrows(IdStateException.class, gen::nextLong);
    assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
  }

  @Test
  void failingEventSink_doesNotStopIds() {
    IdGenerator gen =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n1", List.of("n1"))
            .clock(clock)
            .ticker(clock::nanos)
            .startAhead(false)
            .events(
                line -> {
                  throw new IllegalStateException("log is down");
                })
            .build();
    long a = gen.nextLong();
    clock.advance(-HOUR);
    assertTrue(gen.nextLong() > a);
  }

  /**
   * Random walks of the wall clock: small steps, jumps back and forward by up to hours, freezes,
   * bursts, readings before the epoch. IDs must strictly increase, follow the wall clock when it is
   * ahead, never run ahead of need, and the stats must match what the clock did.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 17, 42, 1234, 99_999, 31_337, 8_675_309, -7})
  void randomClock_idsStrictlyIncrease_andStatsMatchTheScript(long seed) {
    Random rnd = new Random(seed);
    int worker = rnd.nextInt(1024);
    IdGenerator gen =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("x", List.of("x"))
            .workerId(worker)
            .clock(clock)
            .ticker(clock::nanos)
            .startAhead(false)
            .events(events::add)
            .build();
    long prevId = -1;
    long prevWall = clock.getAsLong();
    long jumps = 0;
    long largest = 0;
    for (int step = 0; step < 400; step++) {
      switch (rnd.nextInt(8)) {
        case 0, 1, 2 -> clock.advance(rnd.nextInt(5));
        case 3 -> clock.advance(-1 - rnd.nextInt(50));
        case 4 -> clock.advance(-1 - (long) rnd.nextInt((int) (5 * HOUR)));
        case 5 -> clock.advance(rnd.nextInt((int) (2 * HOUR)));
        case 6 -> clock.set(EPOCH - rnd.nextInt(1_000_000));
        default -> {} // frozen
      }
      int burst = rnd.nextInt(10) == 0 ? 4096 + rnd.nextInt(10_000) : 1 + rnd.nextInt(20);
      long wall = clock.getAsLong();
      if (wall < prevWall) {
        jumps++;
        largest = Math.max(largest, prevWall - wall);
      }
      prevWall = wall;
      long t = wall - EPOCH;
      for (int i = 0; i < burst; i++) {
        long id = gen.nextLong();
        SnowflakeId s = new SnowflakeId(id);
        assertTrue(id > prevId, "seed " + seed + " step " + step + ": " + id + " after " + prevId);
        assertEquals(worker, s.worker());
        long prevTime = prevId < 0 ? -1 : time(prevId);
        if (t >= 0 && t > prevTime) {
          assertEquals(t, time(id), "follows the wall clock when it is ahead");
          assertEquals(0, s.sequence());
        } else {
          assertTrue(
              time(id) == prevTime || time(id) == prevTime + 1, "runs ahead only by overflow");
        }
        prevId = id;
      }
      ClockStats stats = gen.clockStats();
      assertEquals(Math.max(0, time(prevId) - t), stats.leadMillis());
      assertEquals(jumps, stats.backwardJumps(), "seed " + seed);
      assertEquals(largest, stats.largestJumpMillis());
    }
  }
}
