package dev.idmint.harness.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.idmint.harness.check.Ids;
import dev.idmint.harness.check.Inputs;
import dev.idmint.harness.check.Instance;
import dev.idmint.harness.check.Period;
import dev.idmint.harness.check.Quantiles;
import dev.idmint.harness.check.Result;
import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.json.Json;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Workload;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes results.json (Maelstrom's results, keys in snake_case) and history.jsonl. */
public final class Results {
  private Results() {}

  public static void writeResults(Result r, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator g = Json.FACTORY.createGenerator(w).useDefaultPrettyPrinter()) {
      Json.write(g, results(r));
      g.writeRaw('\n');
    }
  }

  static Map<String, Object> results(Result r) {
    Inputs in = r.in();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("valid", r.valid().json());
    m.put("reasons", r.reasons());
    m.put("workload", workload(r));
    m.put(
        "availability",
        JsonMap.of(
            "valid", r.availability().json(),
            "ok_fraction", r.okFraction(),
            "required", required(in.config())));
    m.put("stats", stats(r));
    m.put(
        "latency",
        JsonMap.of(
            "unit", "ms",
            "of", "ok operations",
            "ok", quantiles(r.latency().all()),
            "ok_during_faults", quantiles(r.latency().duringFaults()),
            "ok_outside_faults", quantiles(r.latency().outsideFaults())));
    if (in.config().http() != null) {
      m.put("instances", instances(r));
    }
    if (in.registry() != null) {
      m.put("registry", Workers.json(in));
    }
    m.put("rate", rate(r));
    in.net().addResults(m, r.attempted());
    m.put("nemesis", nemesis(r));
    m.put("protocol", protocol(r));
    m.put("nodes", nodes(r));
    m.put("test", test(in.config()));
    return m;
  }

  /** Jepsen's unique-ids checker's results. */
  private static Map<String, Object> workload(Result r) {
    Ids ids = r.ids();
    Map<String, Object> workload = new LinkedHashMap<>();
    workload.put("valid", ids.valid().json());
    workload.put("attempted_count", r.attempted());
    workload.put("acknowledged_count", ids.acknowledged());
    workload.put("duplicated_count", ids.duplicatedCount());
    List<Object> dups = new ArrayList<>();
    for (Map.Entry<Object, Integer> e : ids.duplicated()) {
      dups.add(JsonMap.of("id", e.getKey(), "count", e.getValue()));
    }
    workload.put("duplicated", dups);
    workload.put("range", ids.range() == null ? null : Arrays.asList(ids.range()));
    if (ids.error() != null) {
      workload.put("error", ids.error());
    }
    return workload;
  }

  /**
   * Per HTTP instance: its ok requests' latency and whether its IDs strictly increase (reported,
   * not judged).
   */
  private static List<Object> instances(Result r) {
    long t0 = r.in().t0();
    List<Object> out = new ArrayList<>();
    for (Instance i : r.instances()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("instance", i.name());
      m.put("ok_count", i.latency().count());
      m.put("info_count", i.info());
      m.put("fail_count", i.fail());
      m.put("ok_latency", quantiles(i.latency()));
      m.put("ids_strictly_increase", i.orderViolations() == 0);
      m.put("order_violations", i.orderViolations());
      m.put(
          "first_order_violation",
          i.firstViolation() == null
              ? null
              : JsonMap.of(
                  "id", i.firstViolation().value(),
                  "sent", JsonMap.seconds(i.firstViolation().invokeAt - t0),
                  "answered", JsonMap.seconds(i.firstViolation().completeAt() - t0),
                  "not_above", i.after().value(),
                  "which_was_answered", JsonMap.seconds(i.after().completeAt() - t0)));
      out.add(m);
    }
    return out;
  }

  /** {@code --availability} as results show it: {@code total}, a fraction, or null. */
  private static Object required(Config c) {
    return c.availability() == null ? null : c.availability() == 1.0 ? "total" : c.availability();
  }

  private static Map<String, Object> stats(Result r) {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("valid", r.stats().json());
    stats.putAll(counts(r.attempted(), r.ok(), r.info(), r.fail()));
    Map<String, Object> generate = new LinkedHashMap<>();
    generate.put("valid", r.stats().json());
    generate.putAll(counts(r.attempted(), r.ok(), r.info(), r.fail()));
    stats.put("by_f", JsonMap.of("generate", generate));
    return stats;
  }

  private static Map<String, Object> rate(Result r) {
    Inputs in = r.in();
    Config c = in.config();
    long window = in.loadEnd() - in.t0();
    return JsonMap.of(
        "asked", c.rate(),
        // The seeded plan's own rate: uniform gaps average out only over many requests.
        "planned",
            in.ranLoad()
                ? JsonMap.round(Workload.planned(c.seed(), c.rate(), window) / in.loadSeconds(), 1)
                : 0.0,
        "achieved", JsonMap.round(r.achievedRate(), 1),
        "seconds", JsonMap.round(in.loadSeconds(), 3),
        // CPU the harness itself used during the load, in cores: well under 1 on a 2-core
        // machine means it was not what held the rate back.
        "harness_cpu_cores",
            window > 0 ? JsonMap.round(in.harnessCpuNanos() / (double) window, 3) : 0.0,
        // Requests that went out late because every worker was waiting for a reply; the plan
        // then restarts from that moment, as Jepsen's stagger does.
        "slips", in.load().slips(),
        "slipped_seconds", JsonMap.seconds(in.load().slippedNanos()));
  }

  private static Map<String, Object> nemesis(Result r) {
    Inputs in = r.in();
    Map<String, Object> nemesis = new LinkedHashMap<>();
    nemesis.put("faults", in.config().nemesis().stream().map(Fault::label).toList());
    nemesis.put("interval", in.config().nemesisInterval());
    List<Object> events = new ArrayList<>();
    for (Nemesis.Entry e : in.timeline()) {
      events.add(
          JsonMap.of(
              "time", JsonMap.seconds(e.at() - in.t0()),
              "took", JsonMap.seconds(e.done() - e.at()),
              "fault", e.fault().label(),
              "f", e.f(),
              "summary", e.summary(),
              "value", e.value()));
    }
    nemesis.put("events", events);
    List<Object> periods = new ArrayList<>();
    for (Period p : r.periods()) {
      periods.add(
          JsonMap.of(
              "fault", p.fault().label(),
              "start", JsonMap.seconds(p.start() - in.t0()),
              "end", JsonMap.seconds(p.end() - in.t0()),
              "label", p.label()));
    }
    nemesis.put("periods", periods);
    return nemesis;
  }

  private static Map<String, Object> protocol(Result r) {
    Inputs in = r.in();
    List<Object> violations = new ArrayList<>();
    for (Violation v : in.net().violations()) {
      violations.add(
          JsonMap.of(
              "time", JsonMap.seconds(v.at() - in.t0()),
              "node", v.node(),
              "kind", v.kind(),
              "message", v.message(),
              "stopped_reading_node", v.killsOutput(),
              "line", v.line()));
    }
    return JsonMap.of(
        "valid",
        r.protocol().json(),
        "violation_count",
        in.net().violationCount(),
        "violations",
        violations);
  }

  private static Map<String, Object> nodes(Result r) {
    Inputs in = r.in();
    List<Object> crashes = new ArrayList<>();
    for (Cluster.Crash x : in.cluster().crashes()) {
      crashes.add(
          JsonMap.of(
              "time", JsonMap.seconds(x.at() - in.t0()),
              "node", x.node(),
              "exit_status", x.exitCode(),
              "stderr_tail", x.stderrTail()));
    }
    List<Object> inits = new ArrayList<>();
    for (Cluster.InitFailure x : in.cluster().initFailures()) {
      inits.add(
          JsonMap.of(
              "time", in.ranLoad() ? JsonMap.seconds(x.at() - in.t0()) : null,
              "node", x.node(),
              "after_restart", x.restart(),
              "reason", x.reason(),
              "stderr_tail", x.stderrTail()));
    }
    return JsonMap.of("valid", r.nodes().json(), "crashes", crashes, "init_failures", inits);
  }

  /** The settings, as resolved. */
  private static Map<String, Object> test(Config c) {
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("workload", "unique-ids");
    if (c.http() != null) {
      Config.Registry reg = c.registry();
      test.put(
          "http",
          reg == null
              ? JsonMap.of("lb", c.http().lb() ? "haproxy" : null)
              : JsonMap.of(
                  "lb",
                  c.http().lb() ? "haproxy" : null,
                  "registry",
                  JsonMap.of(
                      "kind", "etcd",
                      "fleet", reg.fleet(),
                      "worker_ids", reg.workerIds(),
                      "ttl_ms", reg.ttlMs())));
    }
    test.put("bin", c.command());
    test.put("node_count", c.nodeCount());
    test.put("time_limit", c.timeLimit());
    test.put("rate", c.rate());
    test.put("concurrency", c.concurrency());
    test.put("latency", c.latencyMs());
    test.put("latency_dist", c.latencyDist().label());
    test.put("nemesis", c.nemesis().stream().map(Fault::label).toList());
    test.put("nemesis_interval", c.nemesisInterval());
    test.put("availability", required(c));
    test.put("node_ids", c.nodeIds());
    test.put("seed", c.seed());
    test.put("test_count", c.testCount());
    test.put("topology", c.topology());
    test.put(
        "log",
        JsonMap.of(
            "stderr", c.logging().stderr(),
            "net_send", c.logging().netSend(),
            "net_recv", c.logging().netRecv()));
    test.put("demo_defaults", c.demo());
    test.put("warnings", c.warnings());
    return test;
  }

  private static Map<String, Object> quantiles(Quantiles q) {
    return JsonMap.of(
        "count", q.count(), "p50", q.p50(), "p95", q.p95(), "p99", q.p99(), "max", q.max());
  }

  /**
   * Every invocation, completion and nemesis operation, one JSON object a line, in time order;
   * {@code time} is nanoseconds since the load began, as in Jepsen's history.
   */
  public static void writeHistory(Inputs in, Path file) throws IOException {
    List<Op> ops = in.ops();
    List<Nemesis.Entry> nem = in.timeline();
    // Sort keys: time, then a tie-breaker; op i's invoke is 2i, its completion 2i+1, nemesis -1-j.
    int total = ops.size() * 2 + nem.size();
    long[][] keys = new long[total][];
    int k = 0;
    for (int i = 0; i < ops.size(); i++) {
      keys[k++] = new long[] {ops.get(i).invokeAt, 2L * i};
      keys[k++] = new long[] {ops.get(i).completeAt(), 2L * i + 1};
    }
    for (int j = 0; j < nem.size(); j++) {
      keys[k++] = new long[] {nem.get(j).at(), -1L - j};
    }
    Arrays.sort(keys, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.setRootValueSeparator(null);
      long index = 0;
      for (long[] key : keys) {
        g.writeStartObject();
        g.writeNumberField("index", index++);
        g.writeNumberField("time", key[0] - in.t0());
        if (key[1] < 0) {
          writeNemesis(g, nem.get((int) (-1 - key[1])));
        } else {
          writeOp(g, ops.get((int) (key[1] >> 1)), (key[1] & 1) == 0, in.config().nodeIds());
        }
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
  }

  private static void writeNemesis(JsonGenerator g, Nemesis.Entry e) throws IOException {
    g.writeStringField("process", "nemesis");
    g.writeStringField("type", "info");
    g.writeStringField("f", e.f());
    g.writeFieldName("value");
    Json.write(g, e.value());
  }

  /** An op's invocation, or its completion. */
  private static void writeOp(JsonGenerator g, Op op, boolean invoke, List<String> ids)
      throws IOException {
    g.writeNumberField("process", op.process);
    g.writeStringField("type", invoke ? "invoke" : Op.typeName(op.type()));
    g.writeStringField("f", "generate");
    int node = invoke ? op.node : op.servedBy();
    g.writeStringField("node", node >= 0 ? ids.get(node) : "haproxy");
    if (invoke) {
      g.writeStringField("client", op.client);
      g.writeNumberField("msg_id", op.msgId);
    } else if (op.type() == Op.OK) {
      g.writeFieldName("value");
      Json.write(g, op.value());
    } else {
      g.writeStringField("error", op.error());
      if (op.errorCode() >= 0) {
        g.writeNumberField("code", op.errorCode());
      }
      if (op.errorText() != null) {
        g.writeStringField("text", op.errorText());
      }
    }
  }

  /** Counts of operations by outcome for the JSON stats section. */
  private static Map<String, Object> counts(int count, int ok, int info, int fail) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("ok_count", ok);
    m.put("fail_count", fail);
    m.put("info_count", info);
    return m;
  }
}
