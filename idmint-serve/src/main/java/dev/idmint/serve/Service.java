package dev.idmint.serve;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** The service without its transport: the generator and what answers and watches it. */
record Service(
    IdGenerator generator, Metrics metrics, Readiness readiness, Events events, Api api) {
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
    if (config.scheme() == Scheme.SNOWFLAKE) {
      b.workerId(config.worker());
    }
    IdGenerator generator = b.build();
    metrics.generator(generator);
    Api api =
        new Api(generator, config, metrics, readiness, events, version, transport, NANO_TIME, log);
    return new Service(generator, metrics, readiness, events, api);
  }

  static String version() {
    String v = Service.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
