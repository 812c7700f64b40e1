package dev.idmint.harness.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Holds from looks made up here: what etcd and the instances said, in the order they said it. */
class TimelineTest {
  private static Map<Integer, Timeline.Owner> owns(Object... kv) {
    java.util.Map<Integer, Timeline.Owner> m = new java.util.TreeMap<>();
    for (int i = 0; i < kv.length; i += 3) {
      m.put((Integer) kv[i], new Timeline.Owner((String) kv[i + 1], (Long) kv[i + 2]));
    }
    return m;
  }

  @Test
  void etcdHold_lastsWhileTheSameOwnerKeyIsSeen_acrossFailedReads() {
    Timeline t = new Timeline();
    t.etcd(0, owns(0, "n0", 5L), Map.of(0, "T0"));
    t.etcd(100, owns(0, "n0", 5L), Map.of());
    t.etcdFailed(); // no member answered: the key of revision 5 was there before and after
    t.etcd(300, owns(0, "n0", 5L), Map.of(0, "T1"));
    t.etcd(400, owns(), Map.of()); // gone: its lease ran out
    t.etcd(500, owns(0, "n2", 40L), Map.of());
    Timeline.Snapshot s = t.snapshot();
    assertEquals(List.of(new Hold(0, "n0", 0, 300, 5), new Hold(0, "n2", 500, 500, 40)), s.etcd());
    assertEquals(Map.of(0, "T1"), s.times(), "T as last read");
    assertEquals(5, s.etcdReads());
    assertEquals(1, s.etcdFailures());
  }

  @Test
  void etcdHold_endsWhenTheKeyIsCreatedAgain_orPutOverByAnother() {
    Timeline t = new Timeline();
    t.etcd(0, owns(1, "n1", 7L), Map.of());
    t.etcd(100, owns(1, "n1", 9L), Map.of()); // released and claimed again between two reads
    t.etcd(200, owns(1, "n0", 9L), Map.of()); // put over without a compare: same revision
    assertEquals(
        List.of(
            new Hold(1, "n1", 0, 0, 7),
            new Hold(1, "n1", 100, 100, 9),
            new Hold(1, "n0", 200, 200, 9)),
        t.snapshot().etcd());
  }

  @Test
  void whatAnInstanceSaid_lastsOverConsecutiveAnswers_andEndsAtItsLastAnswer() {
    Timeline t = new Timeline();
    t.info(10, "n0", 0);
    t.info(110, "n0", 0);
    t.infoFailed("n0"); // paused: it says nothing
    t.infoFailed("n0");
    t.info(410, "n0", 0); // resumed, still saying it holds worker 0: a new hold
    t.info(510, "n0", -1); // found out
    t.info(20, "n1", 1);
    t.info(120, "n1", 0); // another worker
    Timeline.Snapshot s = t.snapshot();
    assertEquals(
        List.of(
            new Hold(0, "n0", 10, 110, -1),
            new Hold(1, "n1", 20, 20, -1),
            new Hold(0, "n1", 120, 120, -1),
            new Hold(0, "n0", 410, 410, -1)),
        s.info());
    assertEquals(6, s.infoAnswers());
  }

  @Test
  void holdings_tellChangesOfHolder_andWhoSaidItHeldAnothersWorker() {
    Holdings h =
        new Holdings(
            "test",
            "etcd://127.0.0.1:1",
            null,
            2000,
            List.of(
                new Hold(0, "n0", 0, 100, 5),
                new Hold(1, "n1", 0, 900, 6),
                new Hold(0, "n2", 300, 900, 40),
                new Hold(0, "n2", 950, 990, 52)),
            List.of(new Hold(0, "n0", 0, 90, -1), new Hold(0, "n0", 400, 700, -1)),
            Map.of(),
            0,
            0,
            0,
            List.of(),
            null);
    assertEquals(
        List.of(new Holdings.Change(0, "n0", "n2", 300), new Holdings.Change(0, "n2", "n2", 950)),
        h.changes());
    assertEquals(List.of(new Holdings.Stale("n0", 0, "n2", 400, 700)), h.stale());
    assertEquals(List.of(0, 1), h.workers());
    assertEquals(List.of("n0", "n1", "n2"), h.holders());
  }

  @Test
  void info_isReadFromTheTopOrTheRegistryObject_tolerantOfServicesWithout() {
    assertEquals(3, Sampler.worker(200, "{\"worker\":3}"), "a fixed worker: held");
    assertEquals(3, Sampler.worker(200, "{\"worker\":3,\"state\":{\"dir\":\"/x\"}}"));
    assertEquals(3, Sampler.worker(200, "{\"registry\":{\"worker\":3,\"state\":\"held\"}}"));
    assertEquals(-1, Sampler.worker(200, "{\"worker\":3,\"registry\":{\"state\":\"lost\"}}"));
    assertEquals(-1, Sampler.worker(200, "{\"worker\":null,\"state\":\"acquiring\"}"));
    assertEquals(-1, Sampler.worker(503, "{\"error\":\"draining\"}"));
    assertEquals(Sampler.NO_WORKER_FIELD, Sampler.worker(404, "{\"error\":\"no such path\"}"));
    assertEquals(Sampler.NO_WORKER_FIELD, Sampler.worker(200, "{\"scheme\":\"counter\"}"));
    assertEquals(Sampler.NO_WORKER_FIELD, Sampler.worker(200, "not json"));
  }

  @Test
  void recordFields_areReadAsDocsRegistryWritesThem() {
    assertEquals("n1", Sampler.field("idmint-owner v=1 instance=n1", "instance"));
    assertEquals(
        "2026-11-27T17:59:33.528Z",
        Sampler.field(
            "idmint-worker v=1 worker=7 time=2026-11-27T17:59:33.528Z instance=n1 state=held",
            "time"));
    assertEquals("someone else's value", Sampler.field("someone else's value", "instance"));
  }
}
