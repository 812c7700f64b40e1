package dev.idmint.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The clock fault finds a snowflake that trusts the wall clock (a JVM node under libfaketime). */
@Timeout(120)
class ClockFaultIT {
  @TempDir Path store;

  @Test
  void snowflakeTrustingTheWallClock_underClock_isInvalid() throws Exception {
    Tools.libfaketime();
    // Seed 3 jumps n2 forward by about a second and back again, and n1 back by 94 ms, while the
    // nodes are busy: each revisits milliseconds it already used, with the same sequence numbers.
    HarnessRun r =
        HarnessRun.run(
            store,
            "--bin",
            HarnessRun.fixture("wall_clock_snowflake"),
            "--node-count",
            "3",
            "--time-limit",
            "5",
            "--rate",
            "1000",
            "--nemesis",
            "clock",
            "--nemesis-interval",
            "1",
            "--seed",
            "3");
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(Summary.INVALID), r.verdict());
    assertTrue(r.count("workload", "duplicated_count") > 0, r.toString());
  }
}
