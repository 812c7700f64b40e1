package dev.idmint.harness.check;

import dev.idmint.harness.registry.Holdings;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * A duplicate in plain words: which instances answered it, and, with a registry, whether one of
 * them said it held a worker that etcd had given to another, which is how a holder that trusts its
 * lease duplicates its successor's IDs.
 */
final class Duplicates {
  private Duplicates() {}

  /** {@code , from n0 at 4.120 s and n2 at 4.131 s}: the instances that answered {@code id}. */
  static String answeredBy(Inputs in, Object id) {
    List<String> by = new ArrayList<>();
    for (Op op : in.ops()) {
      if (op.type() == Op.OK && op.value().equals(id)) {
        by.add(name(in, op.servedBy()) + " at " + seconds(in, op.completeAt()));
      }
    }
    return by.isEmpty() ? "" : ", from " + String.join(" and ", by);
  }

  /**
   * {@code ; n0 said it held worker 1 while etcd had given it to n2 (4.05–6.20 s)}: of the
   * stretches in which an instance that answered {@code id} said so, the one nearest the answer;
   * empty if none.
   */
  static String staleHolders(Inputs in, Object id) {
    Holdings h = in.registry();
    if (h == null) {
      return "";
    }
    Holdings.Stale nearest = null;
    long best = Long.MAX_VALUE;
    for (Op op : in.ops()) {
      if (op.type() != Op.OK || !op.value().equals(id)) {
        continue;
      }
      for (Holdings.Stale s : h.stale()) {
        long at = op.completeAt();
        long gap = at < s.from() ? s.from() - at : Math.max(0, at - s.to());
        if (s.instance().equals(name(in, op.servedBy())) && gap < best) {
          nearest = s;
          best = gap;
        }
      }
    }
    return nearest == null
        ? ""
        : "; "
            + nearest.instance()
            + " said it held worker "
            + nearest.worker()
            + " while etcd had given it to "
            + nearest.holder()
            + " ("
            + seconds(in, nearest.from())
            + "–"
            + seconds(in, nearest.to())
            + ")";
  }

  private static String name(Inputs in, int servedBy) {
    return servedBy >= 0 ? in.config().nodeIds().get(servedBy) : "haproxy";
  }

  private static String seconds(Inputs in, long at) {
    return Text.fixed((at - in.t0()) / 1e9, 3) + " s";
  }
}
