package dev.idmint.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.TestConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The workload against clients that answer at once, as a script says. */
class WorkloadTest {
  /** Answers every request on the spot: every third one an info, the others ok. */
  private static final class Scripted implements Clients {
    final int instances;
    final List<Op> sent = new ArrayList<>();
    Workload workload;

    Scripted(int instances) {
      this.instances = instances;
    }

    @Override
    public String addWorker(Workload workload, Workload.Worker w) {
      this.workload = workload;
      return "c" + w.index;
    }

    @Override
    public void send(Workload.Worker w, Op op) {
      sent.add(op);
      boolean info = sent.size() % 3 == 0;
      workload.complete(
          op,
          info ? Op.INFO : Op.OK,
          System.nanoTime(),
          info ? null : "id" + sent.size(),
          info ? "net-timeout" : null,
          -1,
          null);
    }

    @Override
    public void timedOut(Workload.Worker w, Op op) {}

    /** Moves a worker on after an info, as HTTP clients do. */
    @Override
    public int next(Workload.Worker w, int type) {
      return type == Op.INFO ? (w.node + 1) % instances : w.node;
    }

    @Override
    public void warmUp() {}
  }

  private static Workload.Outcome load(Scripted clients, int workers) {
    Workload w = new Workload(TestConfig.of(3, 2000, workers, 7), clients);
    while (w.live().invoked() < 30) { // however slow the machine, enough requests to judge
      long t0 = System.nanoTime();
      w.run(t0, t0 + 10_000_000L);
    }
    return w.drain();
  }

  @Test
  void everyRequest_isCompletedOnce_withTheOutcomeItGot() {
    Scripted clients = new Scripted(3);
    Workload.Outcome out = load(clients, 3);
    assertTrue(out.ops().size() > 3, "requests went out: " + out.ops().size());
    assertEquals(clients.sent, out.ops(), "the history is the requests, in invoke order");
    for (int i = 0; i < out.ops().size(); i++) {
      assertEquals((i + 1) % 3 == 0 ? Op.INFO : Op.OK, out.ops().get(i).type());
    }
  }

  @Test
  void workers_startAtHome_takeANewProcessAfterAnInfo_andGoWhereTheClientsSay() {
    Scripted clients = new Scripted(3);
    int workers = 2;
    Workload.Outcome out = load(clients, workers);
    Op[] last = new Op[workers];
    for (Op op : out.ops()) {
      Op before = last[op.worker];
      if (before == null) {
        assertEquals(op.worker, op.process, "Jepsen's first process is the worker's index");
        assertEquals(op.worker % 3, op.node, "worker i starts on node i mod n");
      } else if (before.type() == Op.INFO) {
        assertEquals(before.process + workers, op.process, "a new process after an info");
        assertEquals((before.node + 1) % 3, op.node);
      } else {
        assertEquals(before.process, op.process);
        assertEquals(before.node, op.node);
      }
      assertTrue(before == null || before.completeAt() <= op.invokeAt, "one request at a time");
      last[op.worker] = op;
    }
  }

  @Test
  void rateZero_sendsNothing() {
    Scripted clients = new Scripted(3);
    Workload w = new Workload(TestConfig.of(3, 0, 3, 7), clients);
    long t0 = System.nanoTime();
    w.run(t0, t0);
    assertEquals(List.of(), w.drain().ops());
    assertEquals(0, Workload.planned(7, 0, 1_000_000_000L));
  }

  @Test
  void planned_isFixedByTheSeed() {
    long a = Workload.planned(7, 1000, 10_000_000_000L);
    assertEquals(a, Workload.planned(7, 1000, 10_000_000_000L));
    assertNotEquals(a, Workload.planned(8, 1000, 10_000_000_000L));
    assertTrue(Math.abs(a - 10_000) < 300, "about rate x time: " + a);
  }
}
