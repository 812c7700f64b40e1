package dev.idmint.harness.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void clockJumps_areShownInAFittingUnit() {
    assertEquals("-7 ms", Text.signedMillis(-7));
    assertEquals("+2.5 s", Text.signedMillis(2500));
    assertEquals("+17.9 min", Text.signedMillis(1_074_000));
    assertEquals("-2.0 h", Text.signedMillis(-7_200_000));
  }
}
