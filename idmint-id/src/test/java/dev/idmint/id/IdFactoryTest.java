package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdFactoryTest {
  static int worker(String node, List<String> nodes) {
    IdGenerator gen =
        IdFactory.builder().scheme(Scheme.SNOWFLAKE).node(node, nodes).events(e -> {}).build();
    return new SnowflakeId(gen.nextLong()).worker();
  }

  @Test
  void worker_isKForMaelstromStyleIds() {
    assertEquals(0, worker("n0", List.of("n0", "n1", "n2")));
    assertEquals(2, worker("n2", List.of("n0", "n1", "n2")));
    assertEquals(7, worker("n7", List.of("n1", "n3", "n7")));
    assertEquals(1023, worker("n1023", List.of("n1023", "n5")));
  }

  @Test
  void worker_isTheIndexWhenAnyIdIsNotNk() {
    assertEquals(1, worker("b", List.of("a", "b", "c")));
    assertEquals(2, worker("n7", List.of("n1", "c3", "n7")));
    assertEquals(1, worker("n5", List.of("n1024", "n5")), "k must be below 1024");
    assertEquals(1, worker("n1", List.of("n01", "n1")), "k must be distinct");
    assertEquals(0, worker("n", List.of("n", "n1")));
    assertEquals(1, worker("n-1", List.of("n1", "n-1")));
  }

  @Test
  void worker_explicitOverrideWins() {
    IdGenerator gen =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n3", List.of("n3"))
            .workerId(900)
            .build();
    assertEquals(900, new SnowflakeId(gen.nextLong()).worker());
  }

  @Test
  void worker_outOfRange_isRejected() {
    for (int bad : new int[] {-1, 1024, Integer.MAX_VALUE}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  IdFactory.builder()
                      .scheme(Scheme.SNOWFLAKE)
                      .node("n1", List.of("n1"))
                      .workerId(bad)
                      .build());
      assertEquals("worker id must be 0..1023, got " + bad, e.getMessage());
    }
  }

  @Test
  void moreThan1024Nodes_isRejectedForSnowflakeOnly() {
    List<String> nodes = IntStream.range(0, 1025).mapToObj(i -> "n" + i).toList();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IdFactory.builder().scheme(Scheme.SNOWFLAKE).node("n0", nodes).build());
    assertTrue(
        e.getMessage().startsWith("1025 nodes, but snowflake IDs have room for 1024 workers"),
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> IdFactory.builder().scheme(Scheme.SNOWFLAKE).node("n0", nodes).workerId(0).build());
    assertDoesNotThrow(() -> IdFactory.builder().node("n0", nodes).build());
    assertDoesNotThrow(() -> IdFactory.builder().scheme(Scheme.HLC).node("n0", nodes).build());
    assertEquals(1023, worker("n1023", nodes.subList(0, 1024)));
  }

  @Test
  void nodeNotInNodeIds_isRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IdFactory.builder().node("n9", List.of("n1", "n2")).build());
    assertEquals("node id 'n9' is not in node_ids [n1, n2]", e.getMessage());
  }

  @Test
  void badSettings_areRejectedWithClearMessages() {
    assertEquals(
        "no node id: call node(nodeId) first",
        assertThrows(IllegalArgumentException.class, () -> IdFactory.builder().build())
            .getMessage());
    assertEquals(
        "node id is empty",
        assertThrows(
                IllegalArgumentException.class,
                () -> IdFactory.builder().node("", List.of("")).build())
            .getMessage());
    assertEquals(
        "node_ids lists a node more than once: [n1, n1]",
        assertThrows(
                IllegalArgumentException.class,
                () -> IdFactory.builder().node("n1", List.of("n1", "n1")).build())
            .getMessage());
    assertEquals(
        "max lead must be 1 ms to 1 day, got PT0S",
        assertThrows(
                IllegalArgumentException.class,
                () -> IdFactory.builder().node("n1", List.of("n1")).maxLead(Duration.ZERO).build())
            .getMessage());
    assertEquals(
        "max lead must be 1 ms to 1 day, got PT24H0.001S",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    IdFactory.builder()
                        .node("n1")
                        .maxLead(Duration.ofDays(1).plusMillis(1))
                        .build())
            .getMessage());
    assertEquals(
        "max wait must be 0 to 1 day, got PT-0.001S",
        assertThrows(
                IllegalArgumentException.class,
                () -> IdFactory.builder().node("n1").maxWait(Duration.ofMillis(-1)).build())
            .getMessage());
    assertEquals(
        "max observed lead must not be negative, got PT-0.001S",
        assertThrows(
                IllegalArgumentException.class,
                () -> IdFactory.builder().node("n1").maxObservedLead(Duration.ofMillis(-1)).build())
            .getMessage());
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> IdFactory.builder().node("n1", withNull));
  }

  @Test
  void withoutASink_eventsGoToThePlatformLogger(@TempDir Path dir) {
    Logger jul = Logger.getLogger("dev.idmint.id");
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    try {
      IdFactory.builder().node("n1").stateDir(dir).build();
    } finally {
      jul.removeHandler(handler);
    }
    assertEquals(1, records.size(), "the write itself is DEBUG, below the default level");
    assertEquals(Level.INFO, records.get(0).getLevel());
    assertEquals("state: created " + dir.resolve("n1.state"), records.get(0).getMessage());
  }

  @Test
  void hugeObservedLead_isAccepted_andTheLargestMaxLeadToo() {
    for (Scheme scheme : List.of(Scheme.SNOWFLAKE, Scheme.HLC)) {
      IdGenerator gen =
          IdFactory.builder()
              .scheme(scheme)
              .node("n1", List.of("n1"))
              .maxLead(Duration.ofDays(1))
              .maxObservedLead(Duration.ofSeconds(Long.MAX_VALUE))
              .build();
      long first = gen.nextLong();
      assertTrue(first > 0);
      gen.observe(first + (1L << 40)); // minutes ahead: within the lifted bound
      assertTrue(gen.nextLong() > first + (1L << 40));
    }
  }

  @Test
  void zeroObservedLead_followsOnlyTimesNotAheadOfTheWallClock() {
    ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00Z");
    IdGenerator gen =
        IdFactory.builder()
            .scheme(Scheme.HLC)
            .node("n1")
            .clock(clock)
            .startAhead(false)
            .maxObservedLead(Duration.ZERO)
            .build();
    gen.observe(HlcId.pack(clock.getAsLong(), 9));
    assertEquals(HlcId.pack(clock.getAsLong(), 10), gen.nextLong());
    assertThrows(
        ObservedAheadException.class, () -> gen.observe(HlcId.pack(clock.getAsLong() + 1, 0)));
  }
}
