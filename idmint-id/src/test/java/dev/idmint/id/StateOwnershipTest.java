package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Who owns a state file, what it records, and what a generator says about its writes. */
class StateOwnershipTest {
  @TempDir Path dir;
  final ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00Z");
  final List<IdEvent> events = new ArrayList<>();

  IdFactory.Builder builder(Scheme scheme, String node, int worker) {
    IdFactory.Builder b =
        IdFactory.builder()
            .scheme(scheme)
            .node(node)
            .stateDir(dir)
            .clock(clock)
            .ticker(clock::nanos)
            .events(events::add);
    return scheme == Scheme.SNOWFLAKE ? b.workerId(worker) : b;
  }

  @Test
  void secondGenerator_onTheSameWorker_isRefused_namingTheWorker() {
    IdGenerator first = builder(Scheme.SNOWFLAKE, "a", 7).build();
    IdStateException e =
        assertThrows(
            IdStateException.class, () -> builder(Scheme.SNOWFLAKE, "b", 7).build()); // any node
    assertTrue(
        e.getMessage().startsWith("worker 7 is in use by another generator"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("w7.state.lock").toString()), e.getMessage());
    first.nextLong(); // the holder goes on
  }

  @Test
  void generatorsOnDifferentWorkers_shareAStateDir() {
    IdGenerator a = builder(Scheme.SNOWFLAKE, "a", 1).build();
    IdGenerator b = builder(Scheme.SNOWFLAKE, "a", 2).build(); // the node name does not matter
    assertTrue(a.nextLong() != b.nextLong());
    assertTrue(Files.exists(dir.resolve("w1.state")) && Files.exists(dir.resolve("w2.state")));
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void close_releasesTheClaim_andStopsIssuing(Scheme scheme) {
    IdGenerator first = builder(scheme, "n1", 1).build();
    long last = first.nextLong();
    first.close();
    assertThrows(IdStateException.class, first::nextLong);
    assertThrows(IdStateException.class, () -> first.nextLongs(new long[3], 0, 3));
    IdGenerator next = builder(scheme, "n1", 1).build();
    assertTrue(next.nextLong() > last);
  }

  @Test
  void stateFileOfAnotherWorker_isRefused() throws IOException {
    builder(Scheme.SNOWFLAKE, "x", 3).build().close();
    Files.copy(dir.resolve("w3.state"), dir.resolve("w4.state"));
    IdStateException e =
        assertThrows(IdStateException.class, () -> builder(Scheme.SNOWFLAKE, "x", 4).build());
    assertTrue(e.getMessage().contains("it belongs to worker 3, not worker 4"), e.getMessage());
  }

  /** A line as version 1 wrote it: the node in every scheme, no worker. */
  static String v1(String node, Scheme scheme, String value) {
    String body =
        "idmint-state v=1 node="
            + node
            + " scheme="
            + scheme
            + " "
            + (scheme == Scheme.COUNTER ? "reserved=" : "lease=")
            + value;
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return body + String.format(" crc32=%08x\n", crc.getValue());
  }

  @Test
  void versionOneFiles_areResumed_andRewrittenAsVersionTwo() throws IOException {
    // idmint serve 0.1.0 named a snowflake's file after its node, w<worker> by default.
    Files.writeString(dir.resolve("w5.state"), v1("w5", Scheme.SNOWFLAKE, "2025-06-01T13:00:00Z"));
    Files.writeString(dir.resolve("n1.state"), v1("n1", Scheme.COUNTER, "4096"));
    IdGenerator snowflake = builder(Scheme.SNOWFLAKE, "w5", 5).build();
    SnowflakeId first = assertInstanceOf(SnowflakeId.class, snowflake.next());
    assertEquals("2025-06-01T13:00:00.001Z", first.timestamp().toString());
    assertTrue(Files.readString(dir.resolve("w5.state")).startsWith("idmint-state v=2 "));
    assertEquals(4096, builder(Scheme.COUNTER, "n1", -1).build().nextLong());
  }

  @Test
  void counterObservedAtTheBound_leavesHalfTheRange_andRestartsFine() {
    IdGenerator gen = builder(Scheme.COUNTER, "n1", -1).build();
    gen.observe(CounterGenerator.MAX_OBSERVED);
    long last = 0;
    for (int i = 0; i < 3_000_000; i++) { // blocks double to 16M: several reservations ahead
      last = gen.nextLong();
    }
    gen.close();
    assertTrue(builder(Scheme.COUNTER, "n1", -1).build().nextLong() > last);
  }

  @Test
  void counterAtTheEndOfItsRange_writesNothingARestartRefuses_andSaysExhausted()
      throws IOException {
    long top = CounterGenerator.MAX_RESERVED;
    Files.writeString(
        dir.resolve("n1.state"), new StateFile(dir, "n1", -1, Scheme.COUNTER).format(top - 1500));
    IdGenerator gen = builder(Scheme.COUNTER, "n1", -1).build(); // reserves up to the top only
    long last = -1;
    IdStateException e = null;
    try {
      for (int i = 0; i < 2000; i++) {
        last = gen.nextLong();
      }
    } catch (IdStateException end) {
      e = end;
    }
    assertEquals(top - 1, last);
    assertTrue(e != null && e.getMessage().contains("exhausted"), String.valueOf(e));
    assertTrue(Files.readString(dir.resolve("n1.state")).contains("reserved=" + top));
    gen.close();
    IdStateException restart =
        assertThrows(IdStateException.class, () -> builder(Scheme.COUNTER, "n1", -1).build());
    assertTrue(restart.getMessage().contains("exhausted"), restart.getMessage());
  }

  @Test
  void stateWritten_carriesTheValueWritten() throws IOException {
    IdGenerator gen = builder(Scheme.COUNTER, "n1", -1).build();
    IdEvent.StateWritten w = assertInstanceOf(IdEvent.StateWritten.class, events.get(0));
    assertEquals(1024, w.value());
    assertEquals(dir.resolve("n1.state").toString(), w.store());
    gen.close();
    events.clear();
    builder(Scheme.HLC, "h1", -1).build();
    IdEvent.StateWritten lease = assertInstanceOf(IdEvent.StateWritten.class, events.get(0));
    assertEquals(clock.getAsLong() + LogicalClock.LEASE_MILLIS, lease.value());
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void failedWrites_areReported_andWriteStateRecoversRenewalsAhead(Scheme scheme)
      throws IOException {
    IdGenerator gen = builder(scheme, "n1", 1).renewalExecutor(Runnable::run).build();
    Path file = dir.resolve(scheme == Scheme.SNOWFLAKE ? "w1.state" : "n1.state");
    Path temp = dir.resolve(file.getFileName() + ".tmp");
    Files.createDirectory(temp); // every write fails, even as root
    assertThrows(IdStateException.class, gen::writeState);
    IdEvent.StateWriteFailed failed =
        assertInstanceOf(IdEvent.StateWriteFailed.class, events.get(events.size() - 1));
    assertEquals(file.toString(), failed.store());
    assertTrue(failed.message().startsWith("state: cannot write state file " + file));
    Files.delete(temp);
    events.clear();
    gen.writeState(); // a real write: the probe that readiness uses
    assertInstanceOf(IdEvent.StateWritten.class, events.get(0));
  }

  @Test
  void counterCallsRefusedForState_takeNoNumbers() throws IOException {
    IdGenerator gen = builder(Scheme.COUNTER, "n1", -1).renewalExecutor(task -> {}).build();
    Files.createDirectory(dir.resolve("n1.state.tmp")); // every write fails, even as root
    long last = -1;
    int refused = 0;
    for (int i = 0; i < 5000; i++) {
      try {
        last = gen.nextLong();
      } catch (IdStateException e) {
        refused++;
      }
      try {
        gen.nextLongs(new long[7], 0, 7);
        last += 7;
      } catch (IdStateException e) {
        refused++;
      }
    }
    assertTrue(refused > 100, "refused " + refused);
    Files.delete(dir.resolve("n1.state.tmp"));
    gen.writeState(); // the probe: writes, and ends the fail-fast second at once
    assertEquals(last + 1, gen.nextLong(), "no number was lost to a refused call");
  }
}
