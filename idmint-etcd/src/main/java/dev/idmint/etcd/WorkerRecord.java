package dev.idmint.etcd;

import dev.idmint.id.IdStateException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What etcd keeps of a worker beside its owner key, one readable line at {@code
 * /idmint/<fleet>/worker/<NNNN>/time}:
 *
 * <pre>idmint-worker v=1 worker=7 time=2026-11-27T17:59:33.528Z instance=orders-7 state=held</pre>
 *
 * <p>{@code time} is the high-water mark T: no holder of the worker issued an ID with a later
 * timestamp. {@code instance} is the last holder, which gets the worker back first. {@code state}
 * is {@code released} after a clean release, so that the next claim can tell a takeover (the last
 * holder's lease ran out) from a hand-over.
 */
record WorkerRecord(int worker, long time, String instance, boolean released) {
  static final String MAGIC = "idmint-worker";

  String format() {
    return MAGIC
        + " v=1 worker="
        + worker
        + " time="
        + Instant.ofEpochMilli(time)
        + " instance="
        + instance
        + " state="
        + (released ? "released" : "held");
  }

  WorkerRecord heldBy(String instance) {
    return new WorkerRecord(worker, time, instance, false);
  }

  WorkerRecord at(long time) {
    return new WorkerRecord(worker, time, instance, false);
  }

  WorkerRecord releasedAt(long time) {
    return new WorkerRecord(worker, time, instance, true);
  }

  /**
   * @param where the key, for messages
   * @throws dev.idmint.id.IdStateException if it is not a record of {@code worker}: resuming from
   *     anything else could reissue IDs
   */
  static WorkerRecord parse(String value, int worker, String where) {
    Map<String, String> fields = new LinkedHashMap<>();
    String[] tokens = value.split(" ");
    if (!tokens[0].equals(MAGIC)) {
      throw unusable(where, "it does not start with '" + MAGIC + "'", value);
    }
    for (int i = 1; i < tokens.length; i++) {
      int eq = tokens[i].indexOf('=');
      if (eq <= 0 || fields.put(tokens[i].substring(0, eq), tokens[i].substring(eq + 1)) != null) {
        throw unusable(where, "bad field '" + tokens[i] + "'", value);
      }
    }
    if (!"1".equals(fields.get("v"))) {
      throw unusable(
          where, "version " + fields.get("v") + " is not one this build reads (1)", value);
    }
    if (!String.valueOf(worker).equals(fields.get("worker"))) {
      throw unusable(where, "it belongs to worker " + fields.get("worker"), value);
    }
    String state = fields.get("state");
    String instance = fields.get("instance");
    if (instance == null || !("held".equals(state) || "released".equals(state))) {
      throw unusable(where, "expected instance and state (held or released)", value);
    }
    long time;
    try {
      time = Instant.parse(String.valueOf(fields.get("time"))).toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      throw unusable(where, "time=" + fields.get("time") + " is not an ISO-8601 instant", value);
    }
    return new WorkerRecord(worker, time, instance, "released".equals(state));
  }

  private static RuntimeException unusable(String where, String why, String value) {
    return new IdStateException(
        "cannot use the worker record "
            + where
            + ": "
            + why
            + " ('"
            + (value.length() > 200 ? value.substring(0, 200) + "..." : value)
            + "'). Nothing claimed; the key was left as it is (fix or delete it by hand; without"
            + " it, the worker's next holder may reissue IDs)",
        null);
  }
}
