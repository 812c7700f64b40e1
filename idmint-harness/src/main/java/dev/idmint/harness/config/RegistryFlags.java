package dev.idmint.harness.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --registry etcd}, {@code --worker-ids LO-HI} and {@code --registry-ttl-ms MS}, checked:
 * the registry only with {@code --http} (only HTTP instances lease worker ids), and the other two
 * only with the registry.
 */
final class RegistryFlags {
  private RegistryFlags() {}

  /** The fleet the harness's instances form: their keys are under {@code /idmint/test/}. */
  static final String FLEET = "test";

  /**
   * The lease TTL the instances get by default: etcd's smallest (under its default 1 s election
   * timeout), so that a pause or a cut of a few seconds costs a holder its worker.
   */
  static final long DEFAULT_TTL_MS = 2000;

  static final long MAX_TTL_MS = 86_400_000;

  /** Snowflake worker ids: 10 bits. */
  static final int MAX_WORKER = 1023;

  static final String ETCD_MISSING =
      "etcd is not installed (Debian/Ubuntu: apt-get install etcd-server)";

  private static final Pattern RANGE = Pattern.compile("\\s*(\\d{1,4})\\s*-\\s*(\\d{1,4})\\s*");

  /**
   * The registry the flags ask for, or null without {@code --registry}.
   *
   * @param sbin where else to look for etcd than PATH
   * @throws IllegalArgumentException with a message for the user
   */
  static Config.Registry resolve(Config.Flags f, Map<String, String> env, List<String> sbin) {
    if (f.registry() == null) {
      if (f.workerIds() != null) {
        throw new IllegalArgumentException(
            "--worker-ids is the range the registry leases worker ids from: it needs --registry"
                + " etcd");
      }
      if (f.registryTtlMs() != null) {
        throw new IllegalArgumentException(
            "--registry-ttl-ms is the TTL of the instances' etcd leases: it needs --registry etcd");
      }
      return null;
    }
    if (!f.http()) {
      throw new IllegalArgumentException(
          "--registry gives HTTP instances their worker ids from etcd: it needs --http");
    }
    if (!f.registry().trim().equalsIgnoreCase("etcd")) {
      throw new IllegalArgumentException("--registry must be etcd, got '" + f.registry() + "'");
    }
    int lo = 0;
    int hi = MAX_WORKER;
    if (f.workerIds() != null) {
      Matcher m = RANGE.matcher(f.workerIds());
      if (!m.matches()
          || (lo = Integer.parseInt(m.group(1))) > (hi = Integer.parseInt(m.group(2)))
          || hi > MAX_WORKER) {
        throw new IllegalArgumentException(
            "--worker-ids must be LO-HI, worker ids from 0 to "
                + MAX_WORKER
                + " with LO <= HI (e.g. 0-2), got '"
                + f.workerIds()
                + "'");
      }
    }
    long ttl = ttl(f.registryTtlMs());
    Path etcd = Programs.findProgram("etcd", env, sbin);
    if (etcd == null) {
      throw new IllegalArgumentException(ETCD_MISSING + "; --registry etcd needs it");
    }
    return new Config.Registry(
        etcd, FLEET, f.workerIds() == null ? null : lo + "-" + hi, lo, hi, ttl);
  }

  private static long ttl(Long given) {
    if (given == null) {
      return DEFAULT_TTL_MS;
    }
    if (given < DEFAULT_TTL_MS || given > MAX_TTL_MS || given % 1000 != 0) {
      throw new IllegalArgumentException(
          "--registry-ttl-ms must be whole seconds from 2000 (etcd's smallest TTL) to "
              + MAX_TTL_MS
              + ", got "
              + given);
    }
    return given;
  }
}
