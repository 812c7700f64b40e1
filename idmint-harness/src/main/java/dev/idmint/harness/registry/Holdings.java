package dev.idmint.harness.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a {@code --registry} run saw of its workers: who held which one and when, as etcd's owner
 * keys said, and as each instance said on {@code /v1/info}.
 *
 * @param url the etcd members, as the harness reached them
 * @param workerIds {@code --worker-ids} as given, or null
 * @param etcd holds by etcd's owner keys, by start
 * @param info holds as the instances said, by start
 * @param times each worker's time record (its T) as last read, by worker
 * @param noInfo instances whose {@code /v1/info} names no worker (or that have none): not asked
 * @param failure an etcd member that crashed or did not come back, in words; null if none
 */
public record Holdings(
    String fleet,
    String url,
    String workerIds,
    long ttlMs,
    List<Hold> etcd,
    List<Hold> info,
    Map<Integer, String> times,
    long etcdReads,
    long etcdFailures,
    long infoAnswers,
    List<String> noInfo,
    String failure) {

  /** A worker's owner key passed from one claim to the next: a new holder, or the same again. */
  public record Change(int worker, String before, String after, long at) {}

  /**
   * An instance said it held a worker while etcd's owner key of it was another instance's: a holder
   * that had not found out yet (paused, cut off), or one that does not check.
   */
  public record Stale(String instance, int worker, String holder, long from, long to) {}

  /** Every worker seen held, in order. */
  public List<Integer> workers() {
    TreeSet<Integer> w = new TreeSet<>();
    etcd.forEach(h -> w.add(h.worker()));
    info.forEach(h -> w.add(h.worker()));
    return List.copyOf(w);
  }

  /** The instances seen holding a worker, in order of first hold. */
  public List<String> holders() {
    List<String> out = new ArrayList<>();
    for (List<Hold> holds : List.of(etcd, info)) {
      for (Hold h : holds) {
        if (!out.contains(h.instance())) {
          out.add(h.instance());
        }
      }
    }
    return out;
  }

  /** Each time a worker's owner key was created again after another's, in time order. */
  public List<Change> changes() {
    List<Change> out = new ArrayList<>();
    for (int w : workers()) {
      Hold before = null;
      for (Hold h : etcd) {
        if (h.worker() == w) {
          if (before != null) {
            out.add(new Change(w, before.instance(), h.instance(), h.from()));
          }
          before = h;
        }
      }
    }
    out.sort(java.util.Comparator.comparingLong(Change::at));
    return out;
  }

  /** Where what an instance said overlaps etcd giving the same worker to another, by start. */
  public List<Stale> stale() {
    List<Stale> out = new ArrayList<>();
    for (Hold said : info) {
      for (Hold owned : etcd) {
        if (owned.worker() == said.worker() && !owned.instance().equals(said.instance())) {
          long from = Math.max(said.from(), owned.from());
          long to = Math.min(said.to(), owned.to());
          if (from <= to) {
            out.add(new Stale(said.instance(), said.worker(), owned.instance(), from, to));
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparingLong(Stale::from));
    return out;
  }
}
