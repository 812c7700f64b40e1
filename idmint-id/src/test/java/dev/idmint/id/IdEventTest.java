package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The log lines are a contract: the node prints them on stderr as they were before the types. */
class IdEventTest {
  static final Instant T = Instant.parse("2025-11-25T15:00:00Z");
  static final String FILE = "/var/lib/idmint/n1.state";

  @Test
  void clockWentBack_saysHowFarFromWhereToWhereAndTheTally() {
    assertEquals(
        "clock: wall clock went back 1 h (2025-11-25T15:00:00Z -> 2025-11-25T14:00:00Z); IDs go on"
            + " from the logical clock, now 1 h ahead [1 jump(s), largest 1 h]",
        new IdEvent.ClockWentBack(
                T, T.minusSeconds(3600), Duration.ofHours(1), 1, Duration.ofHours(1), 0)
            .message());
    assertEquals(
        "clock: wall clock went back 1 ms (2025-11-25T15:00:00Z -> 2025-11-25T14:59:59.999Z); IDs go"
            + " on from the logical clock, now 0 ms ahead [51 jump(s), largest 5 ms; 49 smaller"
            + " jump(s) since the last report]",
        new IdEvent.ClockWentBack(T, T.minusMillis(1), Duration.ZERO, 51, Duration.ofMillis(5), 49)
            .message());
  }

  @Test
  void libraryMd_showsTheLinesAfterAnHourBack_asTheyAre() throws IOException {
    String manual = Files.readString(Path.of("../docs/library.md"));
    for (IdEvent e :
        new IdEvent[] {
          new IdEvent.ClockWentBack(
              T, T.minusSeconds(3600), Duration.ofHours(1), 1, Duration.ofHours(1), 0),
          new IdEvent.LeadPastBound(Duration.ofHours(1), Duration.ofSeconds(10))
        }) {
      assertTrue(manual.contains("\n" + e.message() + "\n"), e.message());
    }
  }

  @Test
  void leadEvents_sayTheLeadAndTheBound() {
    assertEquals(
        "clock: IDs run 1 h ahead of the wall clock, past the 10 s bound; still issuing them"
            + " (availability first), with timestamps ahead of real time until the wall clock"
            + " catches up",
        new IdEvent.LeadPastBound(Duration.ofHours(1), Duration.ofSeconds(10)).message());
    assertEquals(
        "clock: IDs back within 50 ms of the wall clock (lead 0 ms)",
        new IdEvent.LeadBackWithinBound(Duration.ZERO, Duration.ofMillis(100)).message());
  }

  @Test
  void rangeEvents_sayTheReadingAndTheRange() {
    assertEquals(
        "clock: wall clock reads 1970-01-01T00:00:00Z, outside what snowflake IDs hold"
            + " (2024-01-01T00:00:00Z to 2093-09-06T15:47:35.551Z); ignoring it, IDs go on from the"
            + " logical clock",
        new IdEvent.ClockOutOfRange(Instant.EPOCH, Scheme.SNOWFLAKE).message());
    assertEquals(
        "clock: wall clock back in range (2025-11-25T15:00:00Z)",
        new IdEvent.ClockBackInRange(T).message());
  }

  @Test
  void stateEvents_sayTheFileAndWhereIdsGoOn() {
    assertEquals("state: created " + FILE, new IdEvent.StateCreated(FILE).message());
    assertEquals(
        "state: resumed from " + FILE + "; IDs go on from n1-8192",
        new IdEvent.StateResumed(FILE, new CounterId("n1", 8192)).message());
    long afterLease =
        (T.toEpochMilli() + 1 - SnowflakeId.EPOCH_MILLIS) << 22 | 3L << 12; // worker 3, sequence 0
    assertEquals(
        "state: resumed from " + FILE + "; IDs go on after the lease 2025-11-25T15:00:00Z",
        new IdEvent.StateResumed(FILE, new SnowflakeId(afterLease)).message());
    assertEquals(
        "state: wrote " + FILE + " in 1.235 ms",
        new IdEvent.StateWritten(FILE, Duration.ofNanos(1_234_567), 8192).message());
  }
}
