package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** This project's node passes under every fault, restarts included. */
@Timeout(180)
class OwnNodeIT {
  @TempDir Path store;

  @Test
  void demo_withNoTestFlags_runsOurNodeUnderEveryFault_andIsValid() throws Exception {
    Tools.libfaketime();
    HarnessRun r = HarnessRun.run(store, "--seed", "11"); // the README's command, seeded
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.VALID), r.verdict());
    Set<Object> faults = faultsThatHappened(r);
    assertEquals(Set.of("partition", "kill", "clock", "loss"), faults);
    assertTrue(r.count("stats", "ok_count") > 1000, r.toString());
    try (var files = Files.list(r.runDir().resolve("state"))) {
      assertTrue(
          files.anyMatch(f -> f.getFileName().toString().startsWith("n1")),
          "our node keeps its state in the run");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"snowflake", "hlc"})
  void timeBasedSchemes_underClockJumpsAndRestarts_areValid(String scheme) throws Exception {
    Tools.libfaketime();
    HarnessRun r =
        HarnessRun.run(
            store,
            Map.of("IDMINT_SCHEME", scheme),
            "--node-count",
            "3",
            "--time-limit",
            "6",
            "--rate",
            "500",
            "--nemesis",
            "clock,kill",
            "--nemesis-interval",
            "0.7",
            "--seed",
            "3");
    assertEquals(0, r.exit, r.toString());
    Object first = r.result("workload", "range", 0);
    if (scheme.equals("snowflake")) {
      assertTrue(first instanceof Long, "snowflake IDs are integers: " + first);
    } else {
      assertTrue(first.toString().matches("\\d+_\\d+_n\\d"), "HLC IDs: " + first);
    }
    assertEquals(Set.of("clock", "kill"), faultsThatHappened(r));
  }

  private static Set<Object> faultsThatHappened(HarnessRun r) throws Exception {
    return ((List<?>) r.result("nemesis", "events"))
        .stream().map(e -> ((Map<?, ?>) e).get("fault")).collect(Collectors.toSet());
  }
}
