package dev.idmint.harness.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Settings for in-module tests, as {@code idmint test} would resolve them from flags. */
public final class TestConfig {
  private TestConfig() {}

  /** Nodes {@code n0..}, the given load, no faults, no checks beyond Maelstrom's. */
  public static Config of(int nodes, double rate, int concurrency, long seed) {
    return new Config(
        List.of("/bin/node"),
        false,
        Config.nodeIds(nodes),
        1,
        rate,
        concurrency,
        0,
        LatencyDist.CONSTANT,
        Set.of(),
        10,
        null,
        seed,
        1,
        Config.Logging.NONE,
        null,
        Path.of("store"),
        null,
        false,
        List.of(),
        null);
  }

  /** As {@link #of}, for HTTP instances, without a balancer. */
  public static Config http(int nodes, double rate, int concurrency, long seed) {
    Config c = of(nodes, rate, concurrency, seed);
    return new Config(
        c.command(),
        c.ownNode(),
        c.nodeIds(),
        c.timeLimit(),
        c.rate(),
        c.concurrency(),
        c.latencyMs(),
        c.latencyDist(),
        c.nemesis(),
        c.nemesisInterval(),
        c.availability(),
        c.seed(),
        c.testCount(),
        c.logging(),
        c.topology(),
        c.store(),
        c.faketimeLib(),
        c.demo(),
        c.warnings(),
        new Config.Http(null, null));
  }
}
