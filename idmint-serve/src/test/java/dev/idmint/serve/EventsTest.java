package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.CounterId;
import dev.idmint.id.HlcId;
import dev.idmint.id.IdEvent;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {
  private final List<String> log = new ArrayList<>();
  private final Readiness readiness = new Readiness(System::nanoTime);
  private final Metrics metrics = new Metrics(ServeConfig.defaults(), "test", readiness::ready);
  private final Events events = new Events(log::add, metrics, readiness);

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.write(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void stateAtStartUp_goesToTheStartUpLine_notTheLog() {
    events.accept(new IdEvent.StateCreated("/s/w0.state"));
    assertEquals("created", events.startState());
    events.accept(new IdEvent.StateResumed("/s/w0.state", new SnowflakeId((5L << 22) | 0)));
    assertEquals(
        "resumed: IDs go on after the lease 2024-01-01T00:00:00.004Z", events.startState());
    events.accept(new IdEvent.StateResumed("/s/w0.state", new CounterId("w0", 2048)));
    assertEquals("resumed: IDs go on from w0-2048", events.startState());
    events.accept(new IdEvent.StateResumed("/s/w0.state", new HlcId(1_704_067_200_005L, 0, "w0")));
    assertEquals(
        "resumed: IDs go on after the lease 2024-01-01T00:00:00.004Z", events.startState());
    assertEquals(List.of(), log);
  }

  @Test
  void stateWrites_areCountedAndTimed_notLogged() throws IOException {
    events.started();
    events.accept(new IdEvent.StateWritten("/s/w0.state", Duration.ofMillis(3), 1000));
    events.accept(new IdEvent.StateWritten("/s/w0.state", Duration.ofMillis(30), 1000));
    String m = scrape();
    assertTrue(m.contains("idmint_state_write_duration_seconds_count 2\n"), m);
    assertTrue(m.contains("idmint_state_write_duration_seconds_bucket{le=\"0.005\"} 1\n"), m);
    assertTrue(m.contains("idmint_state_write_duration_seconds_sum 0.033"), m);
    assertEquals(List.of(), log);
  }

  @Test
  void clockEvents_areLoggedAndSetTheirGauges() throws IOException {
    events.started();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    events.accept(
        new IdEvent.ClockWentBack(
            t, t.minusSeconds(5), Duration.ofSeconds(5), 1, Duration.ofSeconds(5), 0));
    events.accept(new IdEvent.LeadPastBound(Duration.ofSeconds(20), Duration.ofSeconds(10)));
    events.accept(
        new IdEvent.ClockOutOfRange(Instant.parse("2100-01-01T00:00:00Z"), Scheme.SNOWFLAKE));
    String m = scrape();
    assertTrue(m.contains("idmint_clock_lead_past_bound 1.0"), m);
    assertTrue(m.contains("idmint_clock_out_of_range 1.0"), m);
    events.accept(new IdEvent.LeadBackWithinBound(Duration.ofSeconds(1), Duration.ofSeconds(10)));
    events.accept(new IdEvent.ClockBackInRange(t));
    m = scrape();
    assertTrue(m.contains("idmint_clock_lead_past_bound 0.0"), m);
    assertTrue(m.contains("idmint_clock_out_of_range 0.0"), m);
    assertEquals(5, log.size());
    assertTrue(log.get(0).startsWith("clock: wall clock went back 5 s"), log.get(0));
    assertTrue(log.get(1).startsWith("clock: IDs run 20 s ahead"), log.get(1));
  }

  @Test
  void stateEventsAfterStartUp_areLogged() {
    events.started();
    events.accept(new IdEvent.StateCreated("/s/w0.state"));
    assertNull(events.startState());
    assertEquals(List.of("state: created /s/w0.state"), log);
  }

  /** A real IdStateException, as the library makes them: a state dir that is a file. */
  private static IdStateException stateException() throws IOException {
    Path file = Files.createTempFile("idmint-events", ".state");
    try {
      IdFactory.checkStateDir(file.resolve("dir"));
    } catch (IdStateException e) {
      return e;
    } finally {
      Files.delete(file);
    }
    throw new AssertionError("a file is no state dir");
  }

  @Test
  void failedWrites_areEachCounted_loggedOncePerEpisode_andUnreadyUntilAWriteSucceeds()
      throws IOException {
    events.started();
    IdStateException cause = stateException();
    for (int k = 0; k < 3; k++) {
      events.accept(new IdEvent.StateWriteFailed("/s/w0.state", cause));
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("state: " + cause.getMessage() + "; "), log.get(0));
    assertEquals("state cannot be written: " + cause.getMessage(), readiness.reason());
    assertTrue(scrape().contains("idmint_state_write_failures_total 3.0"));
    assertTrue(scrape().contains("idmint_ready 0.0"));

    events.accept(new IdEvent.StateWritten("/s/w0.state", Duration.ofMillis(1), 5000));
    assertNull(readiness.reason());
    assertEquals("state: wrote /s/w0.state again; ready (3 failed write(s) so far)", log.get(1));
    events.accept(new IdEvent.StateWritten("/s/w0.state", Duration.ofMillis(1), 6000));
    events.accept(new IdEvent.StateWriteFailed("/s/w0.state", cause));
    assertEquals(3, log.size(), "a new episode is logged again: " + log);
    assertEquals(6000, events.lastWrite().value());
  }
}
