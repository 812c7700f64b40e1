package dev.idmint.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdOrderTest {
  @ParameterizedTest
  @CsvSource({
    "9, 10",
    "384784241835122688, 1384784241835122688",
    "w0-9, w0-10",
    "n1-99, n2-0",
    "a, b",
    "007, 8",
    "x, x1"
  })
  void natural_ordersDigitRunsByValue(String lower, String higher) {
    assertTrue(IdOrder.compare(lower, higher) < 0, lower + " < " + higher);
    assertTrue(IdOrder.compare(higher, lower) > 0, higher + " > " + lower);
  }

  @Test
  void numbers_byValue_andAgainstStrings_asTheirDecimal() {
    assertTrue(IdOrder.compare(9L, 10L) < 0);
    assertTrue(IdOrder.compare(new BigInteger("99999999999999999999"), 10L) > 0);
    assertTrue(IdOrder.compare(9L, "10") < 0);
    assertEquals(0, IdOrder.compare("12", "12"));
  }
}
