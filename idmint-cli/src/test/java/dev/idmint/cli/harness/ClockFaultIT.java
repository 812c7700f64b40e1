package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The clock fault catches a snowflake that trusts the wall clock, on a JVM and in Python, with the
 * clock-only command of issue 11 (bench/clock-catch.sh measures the rate over 20 seeds).
 */
@Timeout(120)
class ClockFaultIT {
  @TempDir Path store;

  @ParameterizedTest
  @ValueSource(strings = {"wall_clock_snowflake", "wall_clock_ids.py"})
  void snowflakeTrustingTheWallClock_underClock_isInvalid(String fixture) throws Exception {
    Tools.libfaketime();
    // Seed 3 bumps a clock at time 0, then twice rewinds clocks into time their nodes had used.
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture(fixture),
            "--node-count",
            "3",
            "--time-limit",
            "8",
            "--rate",
            "400",
            "--nemesis-interval",
            "2",
            "--nemesis",
            "clock",
            "--seed",
            "3");
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.INVALID), r.verdict());
    assertTrue(r.count("workload", "duplicated_count") > 0, r.toString());
    List<?> events = (List<?>) r.result("nemesis", "events");
    assertTrue(
        events.stream()
            .anyMatch(e -> "rewind".equals(((Map<?, ?>) ((Map<?, ?>) e).get("value")).get("kind"))),
        "a rewind happened: " + events);
  }
}
