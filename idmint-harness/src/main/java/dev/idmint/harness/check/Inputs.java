package dev.idmint.harness.check;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.registry.Holdings;
import dev.idmint.harness.run.Cluster;
import dev.idmint.harness.run.Nemesis;
import dev.idmint.harness.run.Op;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.run.Workload;
import java.util.List;

/**
 * Everything the run produced, for the checkers: snapshots, none of them changing any more.
 *
 * @param ranLoad whether every node came up, so the load ran
 * @param t0 when the load began (nanoTime)
 * @param loadEnd when the load's time limit was reached
 * @param end when the last request had completed or timed out
 * @param harnessCpuNanos CPU the harness used during the load
 * @param registry with {@code --registry}, who held which worker; null without
 */
public record Inputs(
    Config config,
    boolean ranLoad,
    long t0,
    long loadEnd,
    long end,
    long harnessCpuNanos,
    Workload.Outcome load,
    List<Nemesis.Entry> timeline,
    TransportStats net,
    Cluster.Health cluster,
    Holdings registry) {

  public List<Op> ops() {
    return load.ops();
  }

  public double loadSeconds() {
    return (loadEnd - t0) / 1e9;
  }
}
