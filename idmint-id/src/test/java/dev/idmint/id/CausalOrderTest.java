package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Causal order without coordination: generators that pass IDs to each other, each on its own
 * skewed, jumping wall clock. Every ID a generator issues after observing another is greater than
 * it, unless the observed time was further ahead of that generator's wall clock than its bound, in
 * which case the call is refused and changes nothing.
 */
class CausalOrderTest {
  static final long HOUR = 3_600_000;
  static final long START = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

  /** One generator with its own wall clock. */
  record Member(IdGenerator gen, ScriptedClock clock, long bound) {}

  /** An ID on its way to a member. */
  record Message(Id id, int to) {}

  @ParameterizedTest
  @CsvSource({
    "SNOWFLAKE, 7",
    "SNOWFLAKE, 2",
    "SNOWFLAKE, 3",
    "SNOWFLAKE, 99",
    "SNOWFLAKE, -17",
    "HLC, 7",
    "HLC, 2",
    "HLC, 3",
    "HLC, 99",
    "HLC, -17",
    "COUNTER, 1",
    "COUNTER, 2",
    "COUNTER, 3"
  })
  void generatorsExchangingIds_alwaysIssueAboveWhatTheyObserved(Scheme scheme, long seed) {
    Random rnd = new Random(seed);
    int n = 2 + rnd.nextInt(5);
    List<Member> members = new ArrayList<>();
    List<Integer> workers = new ArrayList<>();
    for (int w = 0; w < 1024; w++) {
      workers.add(w);
    }
    java.util.Collections.shuffle(workers, rnd);
    for (int i = 0; i < n; i++) {
      ScriptedClock clock = new ScriptedClock(START + rnd.nextInt(8000) - 4000); // skewed
      long bound = rnd.nextBoolean() ? 10_000 : 1 + rnd.nextInt((int) (2 * HOUR));
      IdGenerator gen =
          IdFactory.builder()
              .scheme(scheme)
              .node("n" + i)
              .workerId(workers.get(i))
              .clock(clock)
              .ticker(clock::nanos)
              .startAhead(false)
              .maxObservedLead(Duration.ofMillis(bound))
              .events(e -> {})
              .build();
      members.add(new Member(gen, clock, bound));
    }
    Id[] last = new Id[n];
    // Each member's reference time, as the library keeps it: the newest wall-clock reading,
    // carried forward by the ticker (here, the wall clock's forward moves) while the wall clock is
    // behind it. The bound on observed IDs counts from it.
    long[] ref = new long[n];
    for (int i = 0; i < n; i++) {
      ref[i] = members.get(i).clock().getAsLong();
    }
    List<Message> inFlight = new ArrayList<>();
    int observed = 0;
    int beyond = 0;
    long[] batch = new long[64];
    for (int step = 0; step < 6000; step++) {
      int k = rnd.nextInt(n);
      Member m = members.get(k);
      long d =
          switch (rnd.nextInt(10)) {
            case 0 -> -1 - rnd.nextInt((int) HOUR); // NTP steps back
            case 1 -> rnd.nextInt((int) HOUR); // and forward
            case 2, 3 -> -rnd.nextInt(20);
            default -> rnd.nextInt(30);
          };
      m.clock().advance(d);
      long wall = m.clock().getAsLong();
      ref[k] = Math.max(ref[k] + Math.max(d, 0), wall);
      Id seen = null;
      boolean wasRefused = false;
      int pick = pendingFor(inFlight, k, rnd);
      if (pick < 0 && last[k] != null && rnd.nextInt(6) == 0) {
        // Another node's ID just at or above this one's last: the edge of the rules.
        inFlight.add(new Message(adjacent(last[k], (k + 1) % n, workers.get((k + 1) % n), rnd), k));
        pick = inFlight.size() - 1;
      }
      if (pick >= 0) {
        seen = inFlight.remove(pick).id();
        boolean tooFar = scheme != Scheme.COUNTER && millis(seen) - ref[k] > m.bound();
        if (tooFar) {
          beyond++;
          // Refused, unless the member is already past it: then it changes nothing, and the
          // checks below that every later ID is greater still hold.
          try {
            m.gen().observe(seen);
          } catch (ObservedAheadException e) {
            assertEquals(Duration.ofMillis(m.bound()), e.bound());
            wasRefused = true;
          }
        } else if (rnd.nextBoolean()) {
          m.gen().observe(seen);
          observed++;
        } else {
          m.gen().observe(number(seen));
          observed++;
        }
      }
      Id id;
      if (rnd.nextInt(8) == 0) {
        int count = 1 + rnd.nextInt(batch.length);
        m.gen().nextLongs(batch, 0, count);
        for (int i = 1; i < count; i++) {
          assertTrue(batch[i] > batch[i - 1], "a batch strictly increases");
        }
        Id first = id(scheme, batch[0], "n" + k);
        if (last[k] != null) {
          assertTrue(compare(first, last[k]) > 0, first + " after " + last[k]);
        }
        if (seen != null && !wasRefused) {
          assertTrue(compare(first, seen) > 0, first + " after observing " + seen);
        }
        id = id(scheme, batch[count - 1], "n" + k);
      } else {
        id = m.gen().next();
        if (last[k] != null) {
          assertTrue(compare(id, last[k]) > 0, "seed " + seed + ": " + id + " after " + last[k]);
        }
        if (seen != null && !wasRefused) {
          assertTrue(
              compare(id, seen) > 0, "seed " + seed + " step " + step + ": " + id + " < " + seen);
        }
        if (scheme != Scheme.COUNTER && last[k] != null) {
          // Observing moves the clock no further than it must: just past what was seen.
          long limit = Math.max(millis(last[k]) + 1, wall);
          if (seen != null && !wasRefused) {
            limit = Math.max(limit, millis(seen) + 1);
          }
          assertTrue(millis(id) <= limit, id + " went past " + Instant.ofEpochMilli(limit));
        }
      }
      last[k] = id;
      if (rnd.nextInt(3) != 0) {
        inFlight.add(new Message(id, rnd.nextInt(n)));
      }
    }
    assertTrue(observed > 500, "observed " + observed);
    if (scheme != Scheme.COUNTER) {
      assertTrue(beyond > 0, "the bound never came into play");
    }
  }

  /** A pending message for member {@code k}, or -1; messages may overtake each other. */
  private static int pendingFor(List<Message> inFlight, int k, Random rnd) {
    List<Integer> mine = new ArrayList<>();
    for (int i = 0; i < inFlight.size(); i++) {
      if (inFlight.get(i).to() == k) {
        mine.add(i);
      }
    }
    return mine.isEmpty() || rnd.nextInt(3) == 0 ? -1 : mine.get(rnd.nextInt(mine.size()));
  }

  /** An ID of member {@code other} equal to or one or two above {@code last} in its numbering. */
  static Id adjacent(Id last, int other, int worker, Random rnd) {
    long d = rnd.nextInt(3);
    if (last instanceof SnowflakeId s) {
      long time = s.value() >>> 22;
      long seq = Math.min(4095, s.sequence() + d);
      return new SnowflakeId(time << 22 | (long) worker << 12 | seq);
    }
    if (last instanceof HlcId h) {
      return HlcId.unpack(h.packed() + d, "n" + other);
    }
    return new CounterId("n" + other, ((CounterId) last).n() + d);
  }

  @Test
  void snowflake_observe_liftsOnlyAsFarAsTheWorkerOrderNeeds() {
    ScriptedClock clock = new ScriptedClock(START);
    IdGenerator gen =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node("n5")
            .workerId(5)
            .clock(clock)
            .ticker(clock::nanos)
            .startAhead(false)
            .events(e -> {})
            .build();
    long t = (START - SnowflakeId.EPOCH_MILLIS) + 3000; // 3 s ahead: within the bound
    gen.observe(new SnowflakeId(t << 22 | 4L << 12 | 77)); // a smaller worker: its time will do
    SnowflakeId a = (SnowflakeId) gen.next();
    assertEquals(t, a.value() >>> 22);
    assertEquals(0, a.sequence());
    gen.observe(new SnowflakeId(t << 22 | 5L << 12 | 77)); // this worker: its sequence + 1
    assertEquals(t << 22 | 5L << 12 | 78, gen.nextLong());
    gen.observe(new SnowflakeId(t << 22 | 6L << 12 | 77)); // a larger worker: past its time
    assertEquals((t + 1) << 22 | 5L << 12, gen.nextLong());
    gen.observe(new SnowflakeId(5)); // long behind: nothing to do
    assertEquals((t + 1) << 22 | 5L << 12 | 1, gen.nextLong());
    assertThrows(IllegalArgumentException.class, () -> gen.observe(-1));
    assertThrows(IllegalArgumentException.class, () -> gen.observe(new CounterId("n1", 3)));
  }

  @Test
  void counter_observe_isALamportClock() {
    IdGenerator gen = IdFactory.builder().node("n1").events(e -> {}).build();
    assertEquals(0, gen.nextLong());
    gen.observe(new CounterId("n7", 41));
    assertEquals(new CounterId("n1", 42), gen.next());
    gen.observe(3); // behind: nothing to do
    assertEquals(43, gen.nextLong());
    assertThrows(IllegalArgumentException.class, () -> gen.observe(-1));
    assertThrows(
        IllegalArgumentException.class, () -> gen.observe(CounterGenerator.MAX_OBSERVED + 1));
    assertThrows(IllegalArgumentException.class, () -> gen.observe(new SnowflakeId(1)));
  }

  static Id id(Scheme scheme, long number, String node) {
    return switch (scheme) {
      case COUNTER -> new CounterId(node, number);
      case SNOWFLAKE -> new SnowflakeId(number);
      case HLC -> HlcId.unpack(number, node);
    };
  }

  static long number(Id id) {
    if (id instanceof SnowflakeId s) {
      return s.value();
    }
    if (id instanceof HlcId h) {
      return h.packed();
    }
    return ((CounterId) id).n();
  }

  static long millis(Id id) {
    if (id instanceof SnowflakeId s) {
      return s.timestamp().toEpochMilli();
    }
    return ((HlcId) id).pt();
  }

  static int compare(Id a, Id b) {
    return a.compareTo(b);
  }
}
