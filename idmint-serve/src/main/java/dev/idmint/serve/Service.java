package dev.idmint.serve;

import dev.idmint.etcd.EtcdRegistry;
import dev.idmint.etcd.RegistryEvent;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/** The service without its transport: the generator and what answers and watches it. */
record Service(
    Generators generators,
    Metrics metrics,
    Readiness readiness,
    Events events,
    Api api,
    AnswerBudget budget,
    ExecutorService renewer) {
  static final LongSupplier NANO_TIME = System::nanoTime;

  /**
   * Builds the generator (claiming its worker or node, reading or creating durable state) and the
   * API around it.
   *
   * @throws IllegalArgumentException or {@link dev.idmint.id.IdStateException} as the generator
   *     does: the latter names the worker or node when another process holds it
   */
  static Service create(ServeConfig config, String transport, Consumer<String> log) {
    return create(config, transport, log, UnaryOperator.identity());
  }

  /**
   * As {@link #create(ServeConfig, String, Consumer)}, the builder adjusted last (tests' clocks).
   */
  static Service create(
      ServeConfig config,
      String transport,
      Consumer<String> log,
      UnaryOperator<IdFactory.Builder> adjust) {
    Readiness readiness = new Readiness(NANO_TIME);
    String version = version();
    Metrics metrics = new Metrics(config, version, readiness::ready);
    Events events = new Events(log, metrics, readiness);
    IdFactory.Builder b =
        IdFactory.builder()
            .scheme(config.scheme())
            .node(config.node())
            // Absolute, so that the start-up line and /v1/info name the file wherever it was run.
            .stateDir(config.stateDir() == null ? null : config.stateDir().toAbsolutePath())
            .maxLead(config.maxLead())
            // Never wait on an event loop, for the clock or for a state write: the handler
            // schedules the retry itself.
            .maxWait(Duration.ZERO)
            // Without state, start past the wall clock plus the max lead, which the last life's
            // IDs never passed: a restart reissues nothing unless the clock went back.
            .startAhead(true)
            .events(events);
    // State writes (a write and an fsync, or a commit to etcd: lease renewals, readiness probes)
    // on a thread of their own, off the event loops.
    ExecutorService writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "idmint-lease-renewal");
              t.setDaemon(true);
              return t;
            });
    b = adjust.apply(b.renewalExecutor(writer));
    if (config.scheme() == Scheme.SNOWFLAKE
        && (config.registry() == null || config.registry().exact())) {
      b.workerId(config.worker());
    }
    Generators generators;
    try {
      generators =
          config.registry() == null ? Generators.fixed(b.build()) : leased(config, b, events, log);
    } catch (RuntimeException e) {
      writer.shutdown();
      throw e;
    }
    readiness.probeWith(
        () -> {
          IdGenerator g = generators.current();
          if (g != null) {
            g.writeState();
          }
        },
        writer,
        generators::problem);
    metrics.generators(generators);
    Api api =
        new Api(generators, config, metrics, readiness, events, version, transport, NANO_TIME, log);
    // Half of the direct memory for answers waiting on their peers; the rest for what is read.
    AnswerBudget budget = new AnswerBudget(PlatformDependent.maxDirectMemory() / 2);
    metrics.budget(budget);
    return new Service(generators, metrics, readiness, events, api, budget, writer);
  }

  /**
   * The registry (nothing is sent to etcd yet) and the claims through it, which start at once on a
   * thread of their own: the service listens whether or not etcd can be reached.
   *
   * @throws IllegalArgumentException for a bad URL, fleet, instance or worker range
   */
  private static Generators leased(
      ServeConfig config, IdFactory.Builder b, Events events, Consumer<String> log) {
    ServeConfig.Registry r = config.registry();
    AtomicReference<Generators> claims = new AtomicReference<>();
    EtcdRegistry etcd =
        EtcdRegistry.builder(r.url())
            .fleet(r.fleet())
            .instance(r.instance())
            .workerIds(r.workerIds())
            .ttl(r.ttl())
            .events(
                (RegistryEvent e) -> {
                  events.registry(e);
                  Generators g = claims.get();
                  if (g != null) {
                    g.onRegistryEvent(e);
                  }
                })
            .build();
    b.registry(etcd);
    Generators g = Generators.leased(etcd, b, log);
    claims.set(g);
    return g;
  }

  /** The generator issuing now; null while a registry has given no worker. */
  IdGenerator generator() {
    return generators.current();
  }

  /**
   * Lets a state write under way finish, then gives up the worker or node (its lock), so that the
   * next holder starts past every ID this one issued.
   */
  void close() {
    renewer.shutdown();
    try {
      renewer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    generators.close();
  }

  static String version() {
    String v = Service.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
