package dev.idmint.serve;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** The service without its transport: the generator and what answers and watches it. */
record Service(
    IdGenerator generator,
    Metrics metrics,
    Readiness readiness,
    Events events,
    Api api,
    AnswerBudget budget,
    ExecutorService renewer) {
  static final LongSupplier NANO_TIME = System::nanoTime;

  /**
   * Builds the generator (reading or creating durable state) and the API around it.
   *
   * @param lock the state lock, already held; null without a state dir
   * @throws IllegalArgumentException or {@link dev.idmint.id.IdStateException} as the generator
   *     does
   */
  static Service create(
      ServeConfig config, StateLock lock, String transport, Consumer<String> log) {
    Readiness readiness = new Readiness(config.stateDir(), lock, NANO_TIME);
    String version = version();
    Metrics metrics = new Metrics(config, version, readiness::ready);
    Events events = new Events(log, metrics);
    IdFactory.Builder b =
        IdFactory.builder()
            .scheme(config.scheme())
            .node(config.node())
            .stateDir(config.stateDir())
            .maxLead(config.maxLead())
            .events(events);
    // Lease renewals (a write and an fsync) on a thread of their own, off the event loops.
    ExecutorService renewer =
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
    b.renewalExecutor(renewer);
    if (config.scheme() == Scheme.SNOWFLAKE) {
      b.workerId(config.worker());
    }
    IdGenerator generator = b.build();
    metrics.generator(generator);
    Api api =
        new Api(generator, config, metrics, readiness, events, version, transport, NANO_TIME, log);
    // Half of the direct memory for answers waiting on their peers; the rest for what is read.
    AnswerBudget budget = new AnswerBudget(PlatformDependent.maxDirectMemory() / 2);
    metrics.budget(budget);
    return new Service(generator, metrics, readiness, events, api, budget, renewer);
  }

  /** Lets a renewal under way finish, so that none writes after the state lock is released. */
  void close() {
    renewer.shutdown();
    try {
      renewer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    readiness.close();
  }

  static String version() {
    String v = Service.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
