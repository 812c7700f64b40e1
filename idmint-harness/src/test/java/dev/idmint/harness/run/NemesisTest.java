package dev.idmint.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.Fault;
import dev.idmint.harness.plan.NemesisPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nemesis against faults that only record what they are asked to do. */
class NemesisTest {
  /** A fault that records its starts and stops, and says so. */
  private static final class Recording implements FaultAction {
    final List<String> calls = new ArrayList<>();
    final String active;

    Recording(String active) {
      this.active = active;
    }

    @Override
    public Effect start(NemesisPlan.Event e) {
      calls.add("start " + e.nodes());
      return new Effect("v", "started " + e.nodes(), active);
    }

    @Override
    public Effect stop() {
      calls.add("stop");
      return new Effect("v", "stopped");
    }
  }

  private static NemesisPlan.Event start(long at, Fault f, int node) {
    return new NemesisPlan.Event(at, f, true, "one", null, List.of(node), null, null, null);
  }

  @Test
  void start_carriesOutWhatIsPlannedForTimeZero_beforeTheLoadBegins() throws Exception {
    Recording kill = new Recording("down n1");
    Recording loss = new Recording(null);
    Nemesis n =
        new Nemesis(
            List.of(start(0, Fault.KILL, 1), start(0, Fault.LOSS, 0)),
            Map.of(Fault.KILL, kill, Fault.LOSS, loss));
    n.start(System.nanoTime());
    assertEquals(List.of("start [1]"), kill.calls, "in effect when start returns");
    assertEquals(List.of("start [0]"), loss.calls);
    assertEquals(
        Map.of(Fault.KILL, "down n1", Fault.LOSS, "started [0]"),
        n.activeFaults(),
        "the action's own label, else its summary");
    n.stop();
  }

  @Test
  void healAll_stopsEveryFaultStillInEffect_andRecordsIt() throws Exception {
    Recording kill = new Recording(null);
    Recording clock = new Recording(null);
    Nemesis n =
        new Nemesis(
            List.of(start(0, Fault.KILL, 2), start(0, Fault.CLOCK, 0)),
            Map.of(Fault.KILL, kill, Fault.CLOCK, clock));
    n.start(System.nanoTime());
    n.stop();
    n.healAll();
    assertEquals(List.of("start [2]", "stop"), kill.calls);
    assertEquals(List.of("start [0]", "stop"), clock.calls);
    assertTrue(n.activeFaults().isEmpty());
    List<Nemesis.Entry> t = n.timeline();
    assertEquals(4, t.size());
    assertEquals("start", t.get(2).f(), "Jepsen's name for a kill's stop: the restart");
    assertTrue(t.stream().allMatch(e -> e.done() >= e.at()));
  }

  @Test
  void stop_beforeALaterOperation_leavesItUndone() throws Exception {
    Recording kill = new Recording(null);
    Nemesis n =
        new Nemesis(List.of(start(3_600_000_000_000L, Fault.KILL, 0)), Map.of(Fault.KILL, kill));
    n.start(System.nanoTime());
    n.stop();
    assertEquals(List.of(), kill.calls);
    assertEquals(List.of(), n.timeline());
  }

  @Test
  void aStartSoLateThatItsStopIsDue_isSkippedWithIt() throws Exception {
    Recording kill = new Recording(null);
    Recording loss = new Recording(null);
    Nemesis n =
        new Nemesis(
            List.of(
                start(1_000, Fault.KILL, 0),
                NemesisPlan.Event.stop(2_000, Fault.KILL),
                start(3_000, Fault.LOSS, 1)),
            Map.of(Fault.KILL, kill, Fault.LOSS, loss));
    n.start(System.nanoTime() - 1_000_000_000L); // as if a slow restart had held the thread 1 s
    for (long deadline = System.nanoTime() + 10_000_000_000L;
        n.timeline().isEmpty() && System.nanoTime() < deadline; ) {
      Thread.sleep(5);
    }
    n.stop();
    assertEquals(List.of(), kill.calls, "neither the late kill nor its restart");
    assertEquals(List.of("start [1]"), loss.calls, "a late start whose stop is not due still runs");
  }
}
