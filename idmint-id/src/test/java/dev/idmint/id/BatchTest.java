package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatchTest {
  @TempDir Path dir;
  final ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00Z");

  /** The durable generator running now: opening another kills it first, as a restart would. */
  IdGenerator running;

  IdGenerator open(Scheme scheme, Path stateDir) {
    if (stateDir != null && running != null) {
      running.close();
    }
    IdGenerator gen =
        IdFactory.builder()
            .scheme(scheme)
            .node("n3")
            .stateDir(stateDir)
            .clock(clock)
            .ticker(clock::nanos)
            .events(e -> {})
            .startAhead(false)
            .maxLead(Duration.ofDays(1)) // the scripted clock stands still: bursts borrow time
            .build();
    if (stateDir != null) {
      running = gen;
    }
    return gen;
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void batch_isWhatSingleIdsWouldHaveBeen_onAFrozenClock(Scheme scheme) {
    IdGenerator singles = open(scheme, null);
    IdGenerator batches = open(scheme, null);
    long[] expected = new long[10_000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = singles.nextLong();
    }
    long[] got = new long[expected.length + 2];
    batches.nextLongs(got, 1, 1);
    batches.nextLongs(got, 2, 4999);
    batches.nextLongs(got, 5001, 0);
    batches.nextLongs(got, 5001, 5000);
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 1, 10_001));
    assertEquals(0, got[0]);
    assertEquals(0, got[10_001]);
    assertEquals(singles.nextLong(), batches.nextLong());
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void batch_outsideTheArray_isRefusedAndIssuesNothing(Scheme scheme) {
    IdGenerator gen = open(scheme, null);
    long first = gen.nextLong();
    long[] ids = new long[4];
    assertThrows(IndexOutOfBoundsException.class, () -> gen.nextLongs(ids, 2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> gen.nextLongs(ids, -1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> gen.nextLongs(ids, 0, -1));
    gen.nextLongs(ids, 0, 1);
    assertTrue(ids[0] > first);
    assertEquals(ids[0] + 1, gen.nextLong(), "no numbers were skipped");
  }

  /**
   * Batches and single IDs under a wandering clock, with durable state and restarts: every batch
   * strictly increases and lies above everything before it, the state file covers every ID issued,
   * and a restart goes on above all of them.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 5, 8, 13, -1})
  void batches_withDurableStateAndRestarts_neverRepeat(long seed) throws IOException {
    Random rnd = new Random(seed);
    for (Scheme scheme : Scheme.values()) {
      Path stateDir = dir.resolve(scheme.toString());
      long max = -1;
      long[] ids = new long[100_000];
      for (int life = 0; life < 6; life++) {
        IdGenerator gen = open(scheme, stateDir);
        for (int b = 0; b < 30; b++) {
          if (rnd.nextInt(4) == 0) {
            clock.advance(rnd.nextInt(3000) - 1500);
          }
          int count = rnd.nextInt(10) == 0 ? 100_000 : 1 + rnd.nextInt(2000);
          gen.nextLongs(ids, 0, count);
          for (int i = 0; i < count; i++) {
            assertTrue(ids[i] > max, scheme + " seed " + seed + ": " + ids[i] + " after " + max);
            max = ids[i];
          }
          assertTrue(stored(stateDir, scheme) >= DurableStateTest.covered(scheme, max));
        }
        if (rnd.nextBoolean()) {
          clock.advance(-rnd.nextInt(5) * 3_600_000L);
        }
      }
    }
  }

  private static long stored(Path stateDir, Scheme scheme) throws IOException {
    String value =
        Files.readString(stateDir.resolve(scheme == Scheme.SNOWFLAKE ? "w3.state" : "n3.state"))
            .replaceAll(".* (reserved|lease)=(\\S+) .*\\n", "$2");
    return switch (scheme) {
      case COUNTER -> Long.parseLong(value);
      case SNOWFLAKE -> Instant.parse(value).toEpochMilli() - SnowflakeId.EPOCH_MILLIS;
      case HLC -> Instant.parse(value).toEpochMilli();
    };
  }

  @ParameterizedTest
  @EnumSource(
      value = Scheme.class,
      names = {"SNOWFLAKE", "HLC"})
  void batch_afterTheWallClockMovedOn_startsAtTheNewTime(Scheme scheme) {
    IdGenerator gen = open(scheme, null);
    gen.nextLong();
    clock.advance(50);
    long[] ids = new long[3];
    gen.nextLongs(ids, 0, 3);
    Id first = scheme == Scheme.HLC ? HlcId.unpack(ids[0], "n3") : new SnowflakeId(ids[0]);
    Instant t = first instanceof HlcId h ? h.timestamp() : ((SnowflakeId) first).timestamp();
    assertEquals(Instant.ofEpochMilli(clock.getAsLong()), t);
    assertEquals(List.of(ids[0] + 1, ids[0] + 2), List.of(ids[1], ids[2]));
  }
}
