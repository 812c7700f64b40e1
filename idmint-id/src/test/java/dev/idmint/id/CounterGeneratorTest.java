package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

class CounterGeneratorTest {
  @Test
  void nextLong_countsFromZero() {
    IdGenerator gen = IdFactory.builder().node("n1", List.of("n1", "n2")).build();
    assertEquals(Scheme.COUNTER, gen.scheme());
    for (long i = 0; i < 10_000; i++) {
      assertEquals(i, gen.nextLong());
    }
  }

  @Test
  void next_isNodeDashN() {
    IdGenerator gen = IdFactory.builder().node("n2", List.of("n1", "n2")).build();
    CounterId a = assertInstanceOf(CounterId.class, gen.next());
    assertEquals("n2-0", a.toString());
    assertEquals("n2-1", gen.next().toString());
    assertEquals(new CounterId("n2", 1), Id.parse("n2-1"));
    assertEquals("n2", a.node());
    assertEquals(0, a.n());
  }

  @Test
  void nodeIdWithDashes_roundTripsThroughParse() {
    IdGenerator gen = IdFactory.builder().node("eu-west-1", List.of("eu-west-1")).build();
    Id id = gen.next();
    assertEquals("eu-west-1-0", id.toString());
    assertEquals(new CounterId("eu-west-1", 0), Id.parse(id.toString()));
  }

  @Test
  void clockStats_areZeroForCounters() {
    IdGenerator gen = IdFactory.builder().node("n1", List.of("n1")).clock(() -> 0).build();
    gen.nextLong();
    assertEquals(new ClockStats(0, 0, 0), gen.clockStats());
  }
}
