package dev.idmint.node;

import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The node's settings. Each comes from a flag on {@code idmint node}, else from the matching
 * environment variable (Maelstrom users often cannot pass flags), else a default.
 *
 * @param scheme {@code --scheme} / {@code IDMINT_SCHEME}: counter (default), snowflake or hlc
 * @param stateDir {@code --state-dir} / {@code IDMINT_STATE_DIR}: durable state; null keeps none
 * @param workerId {@code --worker-id} / {@code IDMINT_WORKER_ID}: snowflake worker; null derives it
 *     from the node ids
 * @param maxLead {@code --max-lead-ms} / {@code IDMINT_MAX_LEAD_MS}: warn when the snowflake or HLC
 *     clock runs this far ahead of the wall clock
 */
public record NodeConfig(Scheme scheme, Path stateDir, Integer workerId, Duration maxLead) {
  public static final String SCHEME_ENV = "IDMINT_SCHEME";
  public static final String STATE_DIR_ENV = "IDMINT_STATE_DIR";
  public static final String WORKER_ID_ENV = "IDMINT_WORKER_ID";
  public static final String MAX_LEAD_ENV = "IDMINT_MAX_LEAD_MS";

  public static final Duration DEFAULT_MAX_LEAD = Duration.ofSeconds(10);

  public static NodeConfig defaults() {
    return new NodeConfig(Scheme.COUNTER, null, null, DEFAULT_MAX_LEAD);
  }

  /**
   * Reads the {@code IDMINT_*} variables; empty ones count as unset.
   *
   * @throws IllegalArgumentException naming the variable and what it expects
   */
  public static NodeConfig fromEnvironment(Map<String, String> env) {
    // Plain code, no method references: a lambda's bootstrap costs the node ~10 ms of start-up.
    Scheme scheme = null;
    Path stateDir = null;
    Integer workerId = null;
    Long maxLead = null;
    String name = null;
    String v = null;
    try {
      if (isSet(v = env.get(name = SCHEME_ENV))) {
        scheme = Scheme.parse(v);
      }
      if (isSet(v = env.get(name = STATE_DIR_ENV))) {
        stateDir = Path.of(v);
      }
      if (isSet(v = env.get(name = WORKER_ID_ENV))) {
        workerId = Integer.valueOf(v.trim());
      }
      if (isSet(v = env.get(name = MAX_LEAD_ENV))) {
        maxLead = Long.valueOf(v.trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + v + ": not an integer", e);
    } catch (IllegalArgumentException e) { // InvalidPathException too
      throw new IllegalArgumentException(name + "=" + v + ": " + e.getMessage(), e);
    }
    return defaults().with(new Overrides(scheme, stateDir, workerId, maxLead));
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  /** Settings given as flags; null fields keep the current value. */
  public record Overrides(Scheme scheme, Path stateDir, Integer workerId, Long maxLeadMillis) {}

  /**
   * This config with {@code o}'s non-null fields applied; {@code o} may be null.
   *
   * @throws IllegalArgumentException if a value is out of range
   */
  public NodeConfig with(Overrides o) {
    if (o == null) {
      return this;
    }
    NodeConfig c =
        new NodeConfig(
            o.scheme() != null ? o.scheme() : scheme,
            o.stateDir() != null ? o.stateDir() : stateDir,
            o.workerId() != null ? o.workerId() : workerId,
            o.maxLeadMillis() != null ? Duration.ofMillis(o.maxLeadMillis()) : maxLead);
    if (c.workerId != null && (c.workerId < 0 || c.workerId > SnowflakeId.MAX_WORKER)) {
      throw new IllegalArgumentException(
          "worker id must be 0.." + SnowflakeId.MAX_WORKER + ", got " + c.workerId);
    }
    if (c.maxLead.toMillis() < 1 || c.maxLead.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "max lead must be 1 to 86400000 ms (1 day), got " + c.maxLead.toMillis() + " ms");
    }
    return c;
  }
}
