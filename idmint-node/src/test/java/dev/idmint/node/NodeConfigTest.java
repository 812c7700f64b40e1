package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idmint.id.Scheme;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigTest {
  @Test
  void fromEnvironment_readsEveryVariable_blankOnesCountAsUnset() {
    NodeConfig c =
        NodeConfig.fromEnvironment(
            Map.of(
                "IDMINT_SCHEME", " Snowflake ",
                "IDMINT_WORKER_ID", "7",
                "IDMINT_MAX_LEAD_MS", "2500",
                "IDMINT_STATE_DIR", " "));
    assertEquals(new NodeConfig(Scheme.SNOWFLAKE, null, 7, Duration.ofMillis(2500)), c);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "IDMINT_WORKER_ID|abc|IDMINT_WORKER_ID=abc: not an integer",
        "IDMINT_MAX_LEAD_MS|1e3|IDMINT_MAX_LEAD_MS=1e3: not an integer",
        "IDMINT_SCHEME|uuid|IDMINT_SCHEME=uuid: unknown scheme 'uuid' (expected counter, snowflake"
            + " or hlc)",
        "IDMINT_WORKER_ID|1024|worker id must be 0..1023, got 1024",
      })
  void fromEnvironment_badValue_namesTheVariableAndWhatItExpects(
      String name, String value, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> NodeConfig.fromEnvironment(Map.of(name, value)));
    assertEquals(message, e.getMessage());
  }
}
