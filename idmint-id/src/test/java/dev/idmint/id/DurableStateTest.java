package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurableStateTest {
  static final long HOUR = 3_600_000;

  @TempDir Path dir;
  final ScriptedClock clock = new ScriptedClock("2025-06-01T12:00:00Z");
  final List<IdEvent> events = new ArrayList<>();

  /** The generator running now: opening another kills it first, as a restart would. */
  IdGenerator running;

  Scheme scheme = Scheme.COUNTER;

  IdGenerator open(Scheme scheme) {
    return open(scheme, "n1");
  }

  IdGenerator open(Scheme scheme, String node) {
    return start(
        scheme,
        IdFactory.builder()
            .scheme(scheme)
            .node(node, List.of(node))
            .stateDir(dir)
            .clock(clock)
            .ticker(clock::nanos)
            .events(events::add));
  }

  /** Renewals ahead of need go to an executor that never runs them. */
  IdGenerator withoutRenewalAhead(Scheme scheme) {
    return start(
        scheme,
        IdFactory.builder()
            .scheme(scheme)
            .node("n1", List.of("n1"))
            .stateDir(dir)
            .clock(clock)
            .ticker(clock::nanos)
            .events(events::add)
            .renewalExecutor(task -> {}));
  }

  private IdGenerator start(Scheme scheme, IdFactory.Builder builder) {
    if (running != null) {
      running.close(); // writes nothing: a kill, as far as the state file can tell
      running = null;
    }
    this.scheme = scheme;
    running = builder.build();
    return running;
  }

  /** Node n1's file: keyed by its worker, 1, for snowflakes; by the node otherwise. */
  Path stateFile() {
    return dir.resolve(scheme == Scheme.SNOWFLAKE ? "w1.state" : "n1.state");
  }

  String stateLine() throws IOException {
    return Files.readString(stateFile());
  }

  /** The reserved counter or the snowflake lease (in snowflake time) the file holds now. */
  long stored(Scheme scheme) throws IOException {
    String line = stateLine();
    String value = line.replaceAll(".* (reserved|lease)=(\\S+) .*\\n", "$2");
    return switch (scheme) {
      case COUNTER -> Long.parseLong(value);
      case SNOWFLAKE -> Instant.parse(value).toEpochMilli() - SnowflakeId.EPOCH_MILLIS;
      case HLC -> Instant.parse(value).toEpochMilli();
    };
  }

  /** What the stored value must cover for {@code id}: n, or the time in the ID. */
  static long covered(Scheme scheme, long id) {
    return switch (scheme) {
      case COUNTER -> id;
      case SNOWFLAKE -> id >>> 22;
      case HLC -> id >>> HlcId.LC_BITS;
    };
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void stateFile_isOneReadableChecksummedLine(Scheme scheme) throws IOException {
    open(scheme).nextLong();
    String line = stateLine();
    String value = scheme == Scheme.COUNTER ? "reserved=1024" : "lease=2025-06-01T12:00:01Z";
    String owner = scheme == Scheme.SNOWFLAKE ? "worker=1" : "node=n1";
    assertTrue(
        line.matches(
            "idmint-state v=2 scheme="
                + scheme
                + " "
                + owner
                + " "
                + value
                + " crc32=[0-9a-f]{8}\n"),
        line);
    assertFalse(
        Files.exists(dir.resolve(stateFile().getFileName() + ".tmp")),
        "the temp file was renamed into place");
    assertTrue(events.contains(new IdEvent.StateCreated(stateFile().toString())), events::toString);
  }

  /**
   * Kills between renewals (a new generator on the same dir, no shutdown), with the wall clock
   * wandering, set back by hours, and frozen across restarts: every new ID beats every old one, and
   * the file always covers every ID issued.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 7, 11, 2024, 65_537, -3})
  void restart_afterKillAnywhere_issuesOnlyLargerIds(long seed) throws IOException {
    Random rnd = new Random(seed);
    for (Scheme scheme : Scheme.values()) {
      Files.deleteIfExists(stateFile()); // the other scheme's
      long max = -1;
      for (int life = 0; life < 12; life++) {
        IdGenerator gen = open(scheme);
        int ids = rnd.nextInt(6) == 0 ? 20_000 + rnd.nextInt(50_000) : rnd.nextInt(3000);
        for (int i = 0; i < ids; i++) {
          if (rnd.nextInt(500) == 0) {
            clock.advance(rnd.nextInt(2000) - 500);
          }
          long id = gen.nextLong();
          assertTrue(
              id > max, scheme + " seed " + seed + " life " + life + ": " + id + " after " + max);
          max = id;
          if (i % 251 == 0) {
            assertTrue(stored(scheme) >= covered(scheme, id), "the file covers every ID issued");
          }
        }
        if (ids > 0) {
          assertTrue(stored(scheme) >= covered(scheme, max), "the file covers every ID issued");
        }
        switch (rnd.nextInt(4)) { // what the clock does while the node is down
          case 0 -> clock.advance(-(1 + rnd.nextInt(5)) * HOUR);
          case 1 -> clock.advance(rnd.nextInt(100_000));
          default -> {} // frozen: the restart is within the same millisecond
        }
      }
    }
  }

  @Test
  void restart_withClockSetBackHours_continuesAboveOldIdsAndWarnsOfTheLead() {
    IdGenerator before = open(Scheme.SNOWFLAKE);
    long last = 0;
    for (int i = 0; i < 10_000; i++) {
      last = before.nextLong();
    }
    clock.advance(-3 * HOUR);
    events.clear();
    IdGenerator after = open(Scheme.SNOWFLAKE);
    assertTrue(after.clockStats().leadMillis() >= 3 * HOUR);
    long first = after.nextLong();
    assertTrue(first > last);
    IdEvent.StateResumed resumed =
        events.stream()
            .filter(IdEvent.StateResumed.class::isInstance)
            .map(IdEvent.StateResumed.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals(stateFile().toString(), resumed.store());
    long floor = ((SnowflakeId) resumed.floor()).value();
    assertTrue(floor > last && first >= floor, last + " < " + floor + " <= " + first);
    assertTrue(events.stream().anyMatch(e -> e instanceof IdEvent.LeadPastBound), events::toString);
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void everyWrite_isReported_andARestartSaysWhereIdsGoOn(Scheme scheme) throws IOException {
    IdGenerator gen = open(scheme);
    assertEquals(2, events.size(), events::toString);
    IdEvent.StateWritten first = assertInstanceOf(IdEvent.StateWritten.class, events.get(0));
    assertEquals(stateFile().toString(), first.store());
    assertFalse(first.took().isNegative());
    assertEquals(new IdEvent.StateCreated(stateFile().toString()), events.get(1));
    for (int i = 0; i < 20_000; i++) { // counters use up blocks; snowflakes pass their lease
      gen.nextLong();
      if (i == 10_000) {
        clock.advance(LogicalClock.LEASE_MILLIS * 2);
      }
    }
    String stored = stateLine().replaceAll(".* (reserved|lease)=(\\S+) .*\n", "$2");
    long writes = events.stream().filter(IdEvent.StateWritten.class::isInstance).count();
    assertTrue(writes > 1, events::toString);

    events.clear();
    open(scheme);
    assertEquals(
        "state: resumed from "
            + stateFile()
            + (scheme == Scheme.COUNTER
                ? "; IDs go on from n1-" + stored
                : "; IDs go on after the lease " + stored),
        events.get(1).message());
  }

  @Test
  void restart_rightAtTheLeaseEnd_stillIssuesLargerIds() throws IOException {
    IdGenerator gen = withoutRenewalAhead(Scheme.SNOWFLAKE);
    long lease = stored(Scheme.SNOWFLAKE);
    long last = 0;
    while (last >>> 22 < lease || (last & 0xfff) != 0xfff) { // the clock is frozen: bursts carry
      last = gen.nextLong();
    }
    assertEquals(lease, stored(Scheme.SNOWFLAKE), "the last ID of the lease needs no renewal");
    assertTrue(open(Scheme.SNOWFLAKE).nextLong() > last);

    Files.delete(stateFile());
    IdGenerator counter = withoutRenewalAhead(Scheme.COUNTER);
    long n = 0;
    while (n < CounterGenerator.MIN_BLOCK - 1) {
      n = counter.nextLong();
    }
    assertEquals(n + 1, stored(Scheme.COUNTER));
    assertEquals(n + 1, open(Scheme.COUNTER).nextLong());
  }

  @Test
  void counter_restartWastesAtMostABlock_andFastCountersGetBiggerBlocks() throws IOException {
    IdGenerator gen = open(Scheme.COUNTER);
    for (int i = 0; i < 100_000; i++) {
      gen.nextLong(); // the scripted clock is frozen: every block lasts 0 ms, so blocks double
    }
    long reserved = stored(Scheme.COUNTER);
    assertTrue(reserved > 100_000);
    assertTrue(reserved <= 100_000 + 65_536, "wastes at most the last block: " + stateLine());
    assertEquals(reserved, open(Scheme.COUNTER).nextLong());
  }

  @Test
  void counter_slowBlocksShrinkBackToTheMinimum() throws IOException {
    CounterGenerator gen = (CounterGenerator) open(Scheme.COUNTER);
    for (int i = 0; i < 20_000; i++) {
      gen.nextLong();
    }
    long grown = gen.block();
    assertTrue(grown > CounterGenerator.MIN_BLOCK);
    for (int i = 0; i < 200_000 && gen.block() > CounterGenerator.MIN_BLOCK; i++) {
      if (i % 1000 == 0) {
        clock.advance(61_000);
      }
      gen.nextLong();
    }
    assertEquals(CounterGenerator.MIN_BLOCK, gen.block());
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void truncatedFile_atAnyLength_isRefusedAndLeftAsItIs(Scheme scheme) throws IOException {
    open(scheme).nextLong();
    byte[] whole = Files.readAllBytes(stateFile());
    for (int len = 0; len < whole.length; len++) {
      byte[] torn = java.util.Arrays.copyOf(whole, len);
      Files.write(stateFile(), torn);
      IdStateException e =
          assertThrows(IdStateException.class, () -> open(scheme), "length " + len);
      assertTrue(
          e.getMessage().startsWith("cannot use state file " + stateFile() + ": it is corrupt: "),
          e.getMessage());
      assertArrayEquals(torn, Files.readAllBytes(stateFile()), "never replaced silently");
    }
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void garbledFile_failsTheChecksum(Scheme scheme) throws IOException {
    open(scheme).nextLong();
    String good = stateLine();
    String bad =
        scheme == Scheme.COUNTER
            ? good.replace("reserved=1024", "reserved=1000")
            : good.replace("12:00:01", "11:00:01");
    Files.writeString(stateFile(), bad);
    IdStateException e = assertThrows(IdStateException.class, () -> open(scheme));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("the file was left as it is"), e.getMessage());
    assertEquals(bad, stateLine());
  }

  @Test
  void garbage_isRefused() throws IOException {
    for (String junk :
        new String[] {
          "hello\n", "\0\0\0\0", "idmint-state v=1\n", "{\"reserved\": 5}\n", "x".repeat(10_000)
        }) {
      Files.writeString(stateFile(), junk);
      IdStateException e = assertThrows(IdStateException.class, () -> open(Scheme.COUNTER), junk);
      assertTrue(e.getMessage().contains("it is corrupt"), e.getMessage());
    }
  }

  @Test
  void fileFromAnotherVersion_isRefused() throws IOException {
    String line = new StateFile(dir, "n1", -1, Scheme.COUNTER).format(5);
    String body = line.substring(0, line.indexOf(" crc32=")).replace(" v=2 ", " v=3 ");
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    Files.writeString(stateFile(), body + String.format(" crc32=%08x\n", crc.getValue()));
    IdStateException e = assertThrows(IdStateException.class, () -> open(Scheme.COUNTER));
    assertTrue(
        e.getMessage().contains("version 3 is not one this build reads (1, 2)"), e.getMessage());
  }

  @Test
  void fileFromTheOtherScheme_isRefused() throws IOException {
    open(Scheme.COUNTER).nextLong();
    IdStateException e = assertThrows(IdStateException.class, () -> open(Scheme.HLC));
    assertTrue(
        e.getMessage()
            .contains("it was written by the counter scheme, and this generator runs hlc"),
        e.getMessage());
    assertTrue(stateLine().contains("scheme=counter"));
  }

  @Test
  void fileOfAnotherNode_isRefused() throws IOException {
    open(Scheme.COUNTER, "n2").nextLong();
    Files.copy(dir.resolve("n2.state"), stateFile());
    IdStateException e = assertThrows(IdStateException.class, () -> open(Scheme.COUNTER));
    assertTrue(e.getMessage().contains("it belongs to node 'n2', not 'n1'"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void leftoverTempFile_fromACrashedWrite_isIgnored(Scheme scheme) throws IOException {
    IdGenerator first = open(scheme);
    long last = first.nextLong();
    Files.writeString(
        dir.resolve(stateFile().getFileName() + ".tmp"), "idmint-state v=2 node=n1 sch");
    long next = open(scheme).nextLong();
    assertTrue(next > last);
  }

  @Test
  void onlyATempFile_meansTheFirstWriteNeverFinished_soStartFresh() throws IOException {
    Files.writeString(dir.resolve("n1.state.tmp"), "garbage");
    assertEquals(0, open(Scheme.COUNTER).nextLong());
  }

  @Test
  void stateFileThatCannotBeRead_isReported() throws IOException {
    Files.createDirectory(stateFile()); // reading a directory fails, even as root
    IdStateException e = assertThrows(IdStateException.class, () -> open(Scheme.COUNTER));
    assertTrue(e.getMessage().startsWith("cannot read state file " + stateFile()), e.getMessage());
  }

  @Test
  void stateDirThatIsAFile_isReported() throws IOException {
    Path file = dir.resolve("not-a-dir");
    Files.writeString(file, "x");
    for (Executable check :
        List.<Executable>of(
            () -> IdFactory.checkStateDir(file),
            () -> IdFactory.builder().node("n1", List.of("n1")).stateDir(file).build())) {
      IdStateException e = assertThrows(IdStateException.class, check);
      assertEquals("state dir " + file + " exists but is not a directory", e.getMessage());
    }
    assertEquals("x", Files.readString(file));
  }

  @Test
  void stateDirThatCannotBeCreated_isReported() throws IOException {
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    IdStateException e =
        assertThrows(IdStateException.class, () -> IdFactory.checkStateDir(file.resolve("sub")));
    assertTrue(
        e.getMessage().startsWith("cannot create state dir " + file.resolve("sub") + ": "),
        e.getMessage());
  }

  @Test
  void checkStateDir_createsMissingDirsAndLeavesNothingBehind() throws IOException {
    Path nested = dir.resolve("a/b/c");
    IdFactory.checkStateDir(nested);
    assertTrue(Files.isDirectory(nested));
    try (Stream<Path> files = Files.list(nested)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void nodeIdWithPathCharacters_cannotEscapeTheDir() throws IOException {
    Path inner = dir.resolve("inner");
    IdGenerator gen =
        IdFactory.builder().node("../x", List.of("../x")).stateDir(inner).events(e -> {}).build();
    assertEquals("../x-0", gen.next().toString());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(inner), files.toList());
    }
    assertTrue(Files.exists(inner.resolve("%2E.%2Fx.state")));
    IdFactory.builder().node(".", List.of(".")).stateDir(inner).events(e -> {}).build();
    assertTrue(Files.exists(inner.resolve("%2E.state")));
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void renewalThatCannotWrite_throwsIssuesNothing_andRecoversWhenFixed(Scheme scheme)
      throws IOException {
    IdGenerator gen = open(scheme);
    long last = gen.nextLong();
    Path temp = dir.resolve(stateFile().getFileName() + ".tmp");
    Files.createDirectory(temp); // blocks the temp file, even as root
    String before = stateLine();
    int failures = 0;
    for (int i = 0; i < 5000; i++) {
      clock.advance(1); // moves snowflakes past their lease
      try {
        long id = gen.nextLong();
        assertTrue(id > last);
        assertTrue(covered(scheme, id) <= stored(scheme), "issued only within the lease on disk");
        last = id;
      } catch (IdStateException e) {
        assertTrue(
            e.getMessage().startsWith("cannot write state file " + stateFile()), e.getMessage());
        failures++;
      }
    }
    assertTrue(failures > 0);
    assertEquals(before, stateLine());
    long attempts = events.stream().filter(IdEvent.StateWriteFailed.class::isInstance).count();
    assertTrue(attempts < failures, "within a second of a failure, calls fail without writing");
    Files.delete(temp);
    assertThrows(IdStateException.class, gen::nextLong, "still within the second");
    clock.advance(Durable.FAIL_FAST_NANOS / 1_000_000);
    long recovered = gen.nextLong();
    assertTrue(recovered > last);
    assertTrue(open(scheme).nextLong() > recovered);
  }
}
