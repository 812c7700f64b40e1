package dev.idmint.harness.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds who held which worker from looks taken over time: etcd's owner keys, and what each
 * instance said. An etcd hold lasts while the same owner key (the same create revision) is seen
 * naming the same instance, across reads that failed in between, since a key of one revision exists
 * over one stretch only; a key put again over another's (no compare) is a new hold. What an
 * instance said lasts over consecutive answers alike: a paused or killed instance says nothing, so
 * its hold ends at its last answer, and a new one begins if it says so again.
 */
final class Timeline {
  /** A worker's owner as one read of etcd saw it. */
  record Owner(String instance, long revision) {}

  /** A hold still being seen. */
  private static final class Open {
    final int worker;
    final String instance;
    final long revision;
    final long from;
    long last;

    Open(int worker, String instance, long revision, long from) {
      this.worker = worker;
      this.instance = instance;
      this.revision = revision;
      this.from = from;
      this.last = from;
    }

    Hold hold() {
      return new Hold(worker, instance, from, last, revision);
    }
  }

  private final Map<Integer, Open> etcdOpen = new TreeMap<>();
  private final Map<String, Open> infoOpen = new HashMap<>();
  private final List<Hold> etcd = new ArrayList<>();
  private final List<Hold> info = new ArrayList<>();
  private final Map<Integer, String> times = new TreeMap<>();
  private long etcdReads;
  private long etcdFailures;
  private long infoAnswers;

  /** One read of etcd at {@code at}: the owner of each worker that had one, and each one's T. */
  synchronized void etcd(long at, Map<Integer, Owner> owners, Map<Integer, String> time) {
    etcdReads++;
    for (var it = etcdOpen.values().iterator(); it.hasNext(); ) {
      Open o = it.next();
      Owner now = owners.get(o.worker);
      if (now == null || now.revision() != o.revision || !now.instance().equals(o.instance)) {
        etcd.add(o.hold());
        it.remove();
      }
    }
    owners.forEach(
        (w, owner) ->
            etcdOpen.computeIfAbsent(w, k -> new Open(w, owner.instance(), owner.revision(), at))
                    .last =
                at);
    times.putAll(time);
  }

  /** A read of etcd that no member answered. */
  synchronized void etcdFailed() {
    etcdFailures++;
  }

  /** {@code instance} said at {@code at} that it holds {@code worker}, or none if -1. */
  synchronized void info(long at, String instance, int worker) {
    infoAnswers++;
    Open o = infoOpen.get(instance);
    if (o != null && o.worker != worker) {
      info.add(o.hold());
      infoOpen.remove(instance);
      o = null;
    }
    if (worker >= 0) {
      if (o == null) {
        o = new Open(worker, instance, -1, at);
        infoOpen.put(instance, o);
      }
      o.last = at;
    }
  }

  /** {@code instance} did not answer: whatever it said before ends at its last answer. */
  synchronized void infoFailed(String instance) {
    Open o = infoOpen.remove(instance);
    if (o != null) {
      info.add(o.hold());
    }
  }

  /** Every hold so far, those still seen ending at their last look, each list by start. */
  synchronized Snapshot snapshot() {
    List<Hold> e = new ArrayList<>(etcd);
    etcdOpen.values().forEach(o -> e.add(o.hold()));
    List<Hold> i = new ArrayList<>(info);
    infoOpen.values().forEach(o -> i.add(o.hold()));
    java.util.Comparator<Hold> order =
        java.util.Comparator.comparingLong(Hold::from).thenComparingInt(Hold::worker);
    e.sort(order);
    i.sort(order);
    return new Snapshot(e, i, new TreeMap<>(times), etcdReads, etcdFailures, infoAnswers);
  }

  /** What {@link #snapshot} gives. */
  record Snapshot(
      List<Hold> etcd,
      List<Hold> info,
      Map<Integer, String> times,
      long etcdReads,
      long etcdFailures,
      long infoAnswers) {}
}
