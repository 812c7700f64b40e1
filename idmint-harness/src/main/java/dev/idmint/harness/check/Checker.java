package dev.idmint.harness.check;

import dev.idmint.harness.json.Json;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.text.Text;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Maelstrom's checkers for unique-ids (Jepsen's unique-ids, availability and stats), plus what
 * idmint test is stricter about: protocol violations, crashes and failed inits make a run invalid.
 */
public final class Checker {
  private Checker() {}

  /**
   * Maelstrom's availability checker: ok / attempted against {@code required} (null: none); with
   * nothing attempted the fraction is 1, as there.
   */
  static Validity availability(long attempted, long ok, Double required) {
    if (required == null) {
      return Validity.TRUE;
    }
    return required <= okFraction(attempted, ok) ? Validity.TRUE : Validity.FALSE;
  }

  static double okFraction(long attempted, long ok) {
    return attempted == 0 ? 1.0 : (double) ok / attempted;
  }

  /**
   * Jepsen's stats checker: every {@code :f} needs an ok. With no operation at all (rate 0) it has
   * no {@code :f} to judge and throws, so Maelstrom's verdict is unknown.
   */
  static Validity stats(boolean ranLoad, int attempted, int ok) {
    if (!ranLoad) {
      return Validity.TRUE;
    }
    if (attempted == 0) {
      return Validity.UNKNOWN;
    }
    return ok > 0 ? Validity.TRUE : Validity.FALSE;
  }

  public static Result check(Inputs in) {
    List<Op> ops = in.ops();
    int[] byType = new int[4];
    List<Op> okOps = new ArrayList<>();
    for (Op op : ops) {
      if (op.type() == Op.PENDING) {
        throw new IllegalStateException("op still pending at analysis");
      }
      byType[op.type()]++;
      if (op.type() == Op.OK) {
        okOps.add(op);
      }
    }
    okOps.sort(Comparator.comparingLong(Op::completeAt));
    List<Object> acked = new ArrayList<>(okOps.size());
    okOps.forEach(o -> acked.add(o.value()));
    Ids ids = Ids.check(acked);

    int attempted = ops.size();
    int ok = byType[Op.OK];
    Validity availability = availability(attempted, ok, in.config().availability());
    double okFraction = okFraction(attempted, ok);
    Validity stats = stats(in.ranLoad(), attempted, ok);
    List<Period> periods = Period.of(in.timeline(), in.end());
    Validity protocol = in.net().violationCount() == 0 ? Validity.TRUE : Validity.FALSE;
    Validity nodes = in.cluster().healthy() ? Validity.TRUE : Validity.FALSE;
    Validity valid = ids.valid().and(availability).and(stats).and(protocol).and(nodes);
    if (in.net().failure() != null || registryFailure(in) != null) {
      valid = valid.and(Validity.UNKNOWN);
    }
    double seconds = in.loadSeconds();
    return new Result(
        in,
        attempted,
        ok,
        byType[Op.INFO],
        byType[Op.FAIL],
        ids,
        availability,
        okFraction,
        stats,
        Latency.of(okOps, periods),
        periods,
        protocol,
        nodes,
        seconds > 0 ? attempted / seconds : 0,
        valid,
        reasons(in, ids, availability, okFraction, stats),
        in.config().http() == null
            ? List.of()
            : InstanceOrder.instances(ops, in.config().nodeIds()));
  }

  /** The harness's etcd failing under the run (a member crashed), or null. */
  private static String registryFailure(Inputs in) {
    return in.registry() == null ? null : in.registry().failure();
  }

  private static String duplicates(Inputs in, Ids ids) {
    Map.Entry<Object, Integer> top = ids.duplicated().get(0);
    return ids.duplicatedCount()
        + (ids.duplicatedCount() == 1 ? " ID was" : " IDs were")
        + " acknowledged more than once (e.g. "
        + Json.toJson(top.getKey())
        + " ×"
        + top.getValue()
        + (in.config().http() == null ? "" : Duplicates.answeredBy(in, top.getKey()))
        + ")"
        + Duplicates.staleHolders(in, top.getKey());
  }

  private static String violations(Inputs in) {
    long violations = in.net().violationCount();
    Violation v = in.net().violations().get(0);
    return violations
        + " protocol violation"
        + (violations == 1 ? "" : "s")
        + " (first: "
        + v.node()
        + " "
        + v.message()
        + ")";
  }

  /** Why the run is not valid, in plain words, the most serious first. */
  private static List<String> reasons(
      Inputs in, Ids ids, Validity availability, double okFraction, Validity stats) {
    List<String> reasons = new ArrayList<>();
    if (in.net().failure() != null) {
      reasons.add(in.net().failure() + ", so the run cannot judge the service");
    }
    if (registryFailure(in) != null) {
      reasons.add(registryFailure(in) + ", so the run cannot judge the service");
    }
    for (Cluster.InitFailure f : in.cluster().initFailures()) {
      reasons.add(f.node() + (f.restart() ? " (after a restart) " : " ") + f.reason());
    }
    for (Cluster.Crash c : in.cluster().crashes()) {
      reasons.add(c.node() + " crashed on its own (exit status " + c.exitCode() + ")");
    }
    if (ids.valid() == Validity.FALSE) {
      reasons.add(duplicates(in, ids));
    }
    if (in.net().violationCount() > 0) {
      reasons.add(violations(in));
    }
    if (availability == Validity.FALSE) {
      Double required = in.config().availability();
      reasons.add(
          "availability "
              + Text.fraction(okFraction)
              + " is below the required "
              + (required == 1.0 ? "total (1)" : Text.fraction(required)));
    }
    if (stats == Validity.FALSE) {
      reasons.add("no generate operation succeeded");
    }
    if (stats == Validity.UNKNOWN) {
      reasons.add(
          "no operation was attempted (--rate 0), and Jepsen's stats checker cannot judge an"
              + " empty history, so Maelstrom's verdict is unknown too");
    }
    if (ids.valid() == Validity.UNKNOWN) {
      reasons.add(ids.error());
    }
    return List.copyOf(reasons);
  }
}
