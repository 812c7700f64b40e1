package dev.idmint.harness.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The faults the nemesis can inject, named as on the command line. */
public enum Fault {
  /** Network partitions in Jepsen's shapes (Maelstrom's only nemesis). */
  PARTITION,
  /** SIGKILL nodes, later restart them with the same node id and init them again. */
  KILL,
  /** Rewind, strobe or bump nodes' wall clocks with libfaketime, later reset them. */
  CLOCK,
  /**
   * Drop half the messages between nodes while on. Not Maelstrom's {@code flaky!}, which drops half
   * of every message, clients' included, and never stops.
   */
  LOSS,
  /**
   * SIGSTOP HTTP instances, later SIGCONT them, as Jepsen's pause nemesis ({@code hammer-time})
   * does: a paused holder of a leased worker outlives its lease without knowing it.
   */
  PAUSE,
  /**
   * With {@code --registry}: kill an etcd member (later restart it), or cut instances off from
   * etcd, through the proxies between them.
   */
  REGISTRY;

  /** The faults the demo runs: those that every kind of run has (not pause, not registry). */
  public static final Set<Fault> DEMO = Collections.unmodifiableSet(EnumSet.range(PARTITION, LOSS));

  /** Name on the command line and in results. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a comma-separated list such as {@code partition,kill}; blank means none.
   *
   * @throws IllegalArgumentException naming the unknown fault and the known ones
   */
  public static Set<Fault> parseList(String list) {
    Set<Fault> faults = EnumSet.noneOf(Fault.class);
    for (String part : list.split(",", -1)) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      Fault found = null;
      for (Fault f : values()) {
        if (f.label().equals(name)) {
          found = f;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(
            "unknown fault '"
                + part.trim()
                + "' in --nemesis (expected partition, kill, clock, loss, pause or registry)");
      }
      faults.add(found);
    }
    return faults;
  }
}
