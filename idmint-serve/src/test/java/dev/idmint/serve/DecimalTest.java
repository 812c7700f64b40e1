package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalTest {
  @ParameterizedTest
  @ValueSource(longs = {0, 1, 9, 10, 99, 100, 101, 999, 1000, 4095, 1L << 32, Long.MAX_VALUE})
  void write_edgeValues_matchesLongToString(long v) {
    assertWrites(v);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void write_randomValuesOfEveryLength_matchLongToString(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 20_000; i++) {
      long v = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
      assertWrites(v);
      assertWrites(powerOfTen(random.nextInt(19)) - random.nextInt(2)); // digit-count boundaries
    }
  }

  private static long powerOfTen(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  private static void assertWrites(long v) {
    byte[] buf = new byte[25];
    buf[0] = 'x';
    int end = Decimal.write(v, buf, 1);
    assertEquals("x" + v, new String(buf, 0, end, StandardCharsets.US_ASCII));
    assertEquals(Long.toString(v).length(), Decimal.digits(v));
  }
}
