package dev.idmint.serve;

import dev.idmint.etcd.EtcdRegistry;
import dev.idmint.id.ClockStats;
import dev.idmint.id.IdGenerator;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The service's Prometheus metrics, on a registry of its own. */
final class Metrics {
  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /**
   * Request durations: the service answers in microseconds, load balancers time out in seconds, and
   * a request may wait up to the 10 s request timeout.
   */
  private static final double[] DURATION_BOUNDS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    2.5, 5, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private volatile CountDownLatch jvm; // null until the JVM's metrics are being registered
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter issued;
  private final Counter delivered;
  private final Counter requests;
  private final Counter rejected;
  private final Counter timeouts;
  private final Counter leadWaits;
  private final Counter leadRefusals;
  private final Counter afterRefused;
  private final Counter stateWriteFailures;
  private final Gauge connections;
  private final DistributionDataPoint[] durations =
      new DistributionDataPoint[Route.values().length];

  /** Request counters by route and status, resolved once: label look-ups cost a map search. */
  private final CounterDataPoint[][] byStatus = new CounterDataPoint[Route.values().length][600];

  /** State writes: an fsync takes from tens of microseconds (SSD) to seconds (a sick disk). */
  private static final double[] WRITE_BOUNDS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private static final ClockStats NO_CLOCK = new ClockStats(0, 0, 0);

  private final Histogram stateWrites;
  private final Gauge leadPastBound;
  private final Gauge clockOutOfRange;

  /** Lease renewals (keep-alives) of the registry: a round trip to an etcd member. */
  private static final double[] RENEWAL_BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private volatile Generators generators; // null until built: the clock reads as zeros
  private volatile Histogram registryRenewals; // null without a registry

  Metrics(ServeConfig config, String version, BooleanSupplier ready) {
    Supplier<ClockStats> clock =
        () -> {
          Generators gs = generators;
          IdGenerator g = gs == null ? null : gs.current();
          return g == null ? NO_CLOCK : g.clockStats();
        };
    Info.builder()
        .name("idmint_service_info")
        .help("The service's settings: scheme, worker, node and version")
        .labelNames("scheme", "worker", "node", "version")
        .register(registry)
        .setLabelValues(
            config.scheme().toString(),
            config.registry() != null && !config.registry().exact()
                ? "registry"
                : Integer.toString(config.worker()),
            config.node(),
            version);
    issued =
        Counter.builder()
            .name("idmint_ids_issued_total")
            .help("IDs issued in responses")
            .withoutExemplars()
            .register(registry);
    delivered =
        Counter.builder()
            .name("idmint_ids_delivered_total")
            .help(
                "IDs in responses written to their connection whole (issued IDs less those whose"
                    + " connection failed first)")
            .withoutExemplars()
            .register(registry);
    requests =
        Counter.builder()
            .name("idmint_http_requests_total")
            .help("HTTP requests answered, by route and status code")
            .labelNames("route", "code")
            .withoutExemplars()
            .register(registry);
    Histogram histogram =
        Histogram.builder()
            .name("idmint_http_request_duration_seconds")
            .help("Time from a whole request to its response being queued, by route")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(DURATION_BOUNDS)
            .withoutExemplars()
            .register(registry);
    for (Route r : Route.values()) {
      durations[r.ordinal()] = histogram.labelValues(r.label);
    }
    connections =
        Gauge.builder()
            .name("idmint_http_connections")
            .help("Open HTTP connections")
            .withoutExemplars()
            .register(registry);
    rejected =
        Counter.builder()
            .name("idmint_http_connections_rejected_total")
            .help("Connections closed at once because --max-connections were open")
            .withoutExemplars()
            .register(registry);
    timeouts =
        Counter.builder()
            .name("idmint_http_request_timeouts_total")
            .help("Connections closed because a request did not arrive whole in time (408)")
            .withoutExemplars()
            .register(registry);
    leadWaits =
        Counter.builder()
            .name("idmint_lead_bound_waits_total")
            .help(
                "Times a request waited for the clock because its IDs would have run past"
                    + " --max-lead-ms (the event loop is not blocked: the request is retried)")
            .withoutExemplars()
            .register(registry);
    leadRefusals =
        Counter.builder()
            .name("idmint_lead_bound_refusals_total")
            .help(
                "Requests refused with 503 because their IDs needed the clock for longer than a"
                    + " request may wait at the lead bound")
            .withoutExemplars()
            .register(registry);
    afterRefused =
        Counter.builder()
            .name("idmint_after_refused_total")
            .help(
                "Well-formed after= IDs refused (422) because they lie beyond the bound: a time"
                    + " further ahead of the wall clock than --max-lead-ms, a counter n past 2^61")
            .withoutExemplars()
            .register(registry);
    stateWriteFailures =
        Counter.builder()
            .name("idmint_state_write_failures_total")
            .help(
                "Durable state writes that failed (renewals ahead of need, on a request's path, and"
                    + " readiness probes); /readyz is 503 from one until a write succeeds")
            .withoutExemplars()
            .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_clock_lead_seconds")
        .help("How far the newest IDs' time runs ahead of the wall clock")
        .callback(cb -> cb.call(clock.get().leadMillis() / 1000.0))
        .register(registry);
    CounterWithCallback.builder()
        .name("idmint_clock_backward_jumps_total")
        .help("Backward jumps of the wall clock seen by the generator")
        .callback(cb -> cb.call(clock.get().backwardJumps()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_clock_largest_backward_jump_seconds")
        .help("The largest backward jump of the wall clock seen so far")
        .callback(cb -> cb.call(clock.get().largestJumpMillis() / 1000.0))
        .register(registry);
    leadPastBound =
        Gauge.builder()
            .name("idmint_clock_lead_past_bound")
            .help(
                "1 while IDs run more than --max-lead-ms ahead of the wall clock (until under half)")
            .withoutExemplars()
            .register(registry);
    clockOutOfRange =
        Gauge.builder()
            .name("idmint_clock_out_of_range")
            .help("1 while the wall clock reads a time the IDs cannot hold (it is ignored)")
            .withoutExemplars()
            .register(registry);
    stateWrites =
        Histogram.builder()
            .name("idmint_state_write_duration_seconds")
            .help(
                "Durable state writes (temp file, fsync, rename, directory fsync) and their time;"
                    + " _count is the number of writes")
            .classicOnly()
            .classicUpperBounds(WRITE_BOUNDS)
            .withoutExemplars()
            .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_ready")
        .help("1 when /readyz answers 200, else 0")
        .callback(cb -> cb.call(ready.getAsBoolean() ? 1 : 0))
        .register(registry);
  }

  /**
   * Registers the JVM's own metrics (heap and its pools, GC, threads, direct and mapped buffer
   * pools, classes, the process) on a thread of its own: setting up the JVM's management beans
   * takes about 250 ms, which start-up does not wait for. A scrape waits for it instead.
   */
  void registerJvm() {
    CountDownLatch done = new CountDownLatch(1);
    jvm = done;
    Thread t =
        new Thread(
            () -> {
              try {
                JvmMetrics.builder().register(registry);
              } finally {
                done.countDown();
              }
            },
            "idmint-jvm-metrics");
    t.setDaemon(true);
    t.start();
  }

  /** The answer bytes that wait for their peers, as a gauge. */
  void budget(AnswerBudget budget) {
    GaugeWithCallback.builder()
        .name("idmint_http_pending_response_bytes")
        .help("Response bytes written and not yet taken by their clients, across connections")
        .callback(cb -> cb.call(budget.pending()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_http_pending_response_bytes_limit")
        .help("Past this many pending response bytes, requests get 503 until clients read")
        .callback(cb -> cb.call(budget.limit()))
        .register(registry);
  }

  /** The generators whose clock the clock metrics read, and their registry's metrics if any. */
  void generators(Generators g) {
    generators = g;
    EtcdRegistry etcd = g.registry();
    if (etcd != null) {
      registry(etcd);
    }
  }

  private void registry(EtcdRegistry etcd) {
    GaugeWithCallback.builder()
        .name("idmint_registry_state")
        .help(
            "1 for the registry claim's state (acquiring: no worker yet; held; lost: its lease ran"
                + " out or another instance has the worker; released), 0 for the others")
        .labelNames("state")
        .callback(
            cb -> {
              EtcdRegistry.State now = etcd.status().state();
              for (EtcdRegistry.State st : EtcdRegistry.State.values()) {
                cb.call(st == now ? 1 : 0, st.toString());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_registry_worker")
        .help("The worker held (or last held) through the registry; -1 before the first claim")
        .callback(cb -> cb.call(etcd.status().worker()))
        .register(registry);
    CounterWithCallback.builder()
        .name("idmint_registry_renewals_total")
        .help("Renewals of the worker's etcd lease (keep-alives) that reached etcd")
        .callback(cb -> cb.call(etcd.status().renewals()))
        .register(registry);
    CounterWithCallback.builder()
        .name("idmint_registry_renewal_failures_total")
        .help("Renewals of the worker's etcd lease that did not reach etcd")
        .callback(cb -> cb.call(etcd.status().renewalFailures()))
        .register(registry);
    CounterWithCallback.builder()
        .name("idmint_registry_takeovers_total")
        .help("Workers claimed whose last holder's lease ran out instead of a release")
        .callback(cb -> cb.call(etcd.status().takeovers()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_registry_committed_time_left_seconds")
        .help(
            "How long the time T committed to etcd still covers: IDs stop when it runs out and"
                + " cannot be committed further")
        .callback(cb -> cb.call(etcd.status().timeLeftMillis(System.currentTimeMillis()) / 1000.0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("idmint_registry_since_renewal_seconds")
        .help(
            "Time since the worker's etcd lease was last renewed (or claimed); past two thirds of"
                + " the TTL, /readyz is 503")
        .callback(cb -> cb.call(etcd.status().sinceRenewal().toNanos() / 1e9))
        .register(registry);
    registryRenewals =
        Histogram.builder()
            .name("idmint_registry_renewal_duration_seconds")
            .help("Renewals of the worker's etcd lease (keep-alives) and their time")
            .classicOnly()
            .classicUpperBounds(RENEWAL_BOUNDS)
            .withoutExemplars()
            .register(registry);
  }

  void registryRenewed(Duration took) {
    Histogram h = registryRenewals;
    if (h != null) {
      h.observe(took.toNanos() / 1e9);
    }
  }

  void stateWritten(Duration took) {
    stateWrites.observe(took.toNanos() / 1e9);
  }

  void stateWriteFailed() {
    stateWriteFailures.inc();
  }

  void leadWaited() {
    leadWaits.inc();
  }

  void leadRefused() {
    leadRefusals.inc();
  }

  void afterRefused() {
    afterRefused.inc();
  }

  void leadPastBound(boolean past) {
    leadPastBound.set(past ? 1 : 0);
  }

  void clockOutOfRange(boolean out) {
    clockOutOfRange.set(out ? 1 : 0);
  }

  void issued(int n) {
    issued.inc(n);
  }

  void delivered(int n) {
    delivered.inc(n);
  }

  void request(Route route, int status, long nanos) {
    CounterDataPoint[] row = byStatus[route.ordinal()];
    int i = status >= 100 && status < 600 ? status : 599;
    CounterDataPoint c = row[i];
    if (c == null) {
      c = requests.labelValues(route.label, Integer.toString(status));
      row[i] = c; // a benign race: every thread resolves the same data point
    }
    c.inc();
    durations[route.ordinal()].observe(nanos / 1e9);
  }

  void connectionOpened() {
    connections.inc();
  }

  void connectionClosed() {
    connections.dec();
  }

  void connectionRejected() {
    rejected.inc();
  }

  void requestTimedOut() {
    timeouts.inc();
  }

  /** Writes every metric in Prometheus' text format (version 0.0.4). */
  void write(OutputStream out) throws IOException {
    CountDownLatch registering = jvm;
    if (registering != null) {
      try {
        registering.await(5, TimeUnit.SECONDS); // only a scrape right after start-up waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writer.write(out, registry.scrape());
  }
}
