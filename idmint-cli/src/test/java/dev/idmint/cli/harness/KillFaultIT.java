package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kill fault catches a node that forgets its state across a restart, under Maelstrom and over
 * HTTP, with the kill-only command of issue 16 (bench/clock-catch.sh --fault kill measures the rate
 * over 20 seeds).
 */
@Timeout(120)
class KillFaultIT {
  @TempDir Path store;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void kill_ofAnAmnesiacNode_isCaught(boolean http) throws Exception {
    List<String> args = new ArrayList<>();
    if (http) {
      args.add("--http");
    }
    args.addAll(
        List.of(
            "--node-count",
            "3",
            "--time-limit",
            "8",
            "--rate",
            "400",
            "--nemesis-interval",
            "2",
            "--nemesis",
            "kill",
            "--seed",
            "2",
            "--bin"));
    if (http) {
      args.addAll(List.of(HarnessRun.fixture("id_service.py"), "--", "--bug", "forget"));
    } else {
      args.add(HarnessRun.fixture("forgetful.py"));
    }
    HarnessRun r = HarnessRun.run(store, args.toArray(new String[0]));
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.verdict().startsWith(HarnessRun.INVALID), r.verdict());
    assertTrue(r.count("workload", "duplicated_count") > 0, r.toString());
    List<?> events = (List<?>) r.result("nemesis", "events");
    Map<?, ?> first = (Map<?, ?>) events.get(0);
    assertEquals("kill", first.get("f"), "seed 2 kills n0 and n1 at 0.3 s, once they issued IDs");
    assertTrue(((Number) first.get("time")).doubleValue() > 0, "not at time 0");
    Map<?, ?> last = (Map<?, ?>) events.get(events.size() - 1);
    assertEquals("start", last.get("f"), "every kill ends in a restart");
    assertTrue(
        ((Number) last.get("time")).doubleValue() < 7,
        "in time for the restarted nodes to be asked again: " + last);
  }
}
