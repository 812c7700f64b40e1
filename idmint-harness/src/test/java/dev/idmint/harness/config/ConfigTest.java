package dev.idmint.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;
  private Map<String, String> env;
  private final Path lib = Path.of("/usr/lib/faketime/libfaketime.so.1");

  @BeforeEach
  void ownNode() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("home/bin")).resolve("idmint");
    Files.writeString(bin, "#!/bin/sh\n");
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    env =
        Map.of(
            "IDMINT_HOME",
            dir.resolve("home").toString(),
            "PATH",
            dir.resolve("home/bin").toString());
  }

  private static Config.Flags flags() {
    return new Config.Flags(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, false, null, null, null, null);
  }

  private static Config.Flags with(String name, Object value) {
    Config.Flags f = flags();
    return new Config.Flags(
        name.equals("workload") ? (String) value : f.workload(),
        name.equals("bin") ? castList(value) : f.bin(),
        name.equals("nodeCount") ? (Integer) value : f.nodeCount(),
        name.equals("timeLimit") ? (Double) value : f.timeLimit(),
        name.equals("rate") ? (Double) value : f.rate(),
        name.equals("concurrency") ? (String) value : f.concurrency(),
        name.equals("latency") ? (Double) value : f.latency(),
        name.equals("latencyDist") ? (String) value : f.latencyDist(),
        name.equals("nemesis") ? (String) value : f.nemesis(),
        name.equals("nemesisInterval") ? (Double) value : f.nemesisInterval(),
        name.equals("availability") ? (String) value : f.availability(),
        name.equals("seed") ? (Long) value : f.seed(),
        name.equals("testCount") ? (Integer) value : f.testCount(),
        name.equals("logging") ? (Config.Logging) value : f.logging(),
        name.equals("topology") ? (String) value : f.topology(),
        name.equals("store") ? (Path) value : f.store(),
        name.equals("http") ? (Boolean) value : f.http(),
        name.equals("lb") ? (String) value : f.lb(),
        f.registry(),
        f.workerIds(),
        f.registryTtlMs());
  }

  /** {@code f} with {@code --http}. */
  private static Config.Flags http(Config.Flags f) {
    return new Config.Flags(
        f.workload(),
        f.bin(),
        f.nodeCount(),
        f.timeLimit(),
        f.rate(),
        f.concurrency(),
        f.latency(),
        f.latencyDist(),
        f.nemesis(),
        f.nemesisInterval(),
        f.availability(),
        f.seed(),
        f.testCount(),
        f.logging(),
        f.topology(),
        f.store(),
        true,
        f.lb(),
        f.registry(),
        f.workerIds(),
        f.registryTtlMs());
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object o) {
    return (List<String>) o;
  }

  private Config resolve(Config.Flags f) {
    return Config.resolve(f, env, dir, lib);
  }

  private String error(Config.Flags f) {
    return assertThrows(IllegalArgumentException.class, () -> resolve(f)).getMessage();
  }

  @Test
  void noFlags_runsTheDemo_ourNodeWithEveryFault() {
    Config c = resolve(flags());
    assertTrue(c.demo());
    assertTrue(c.ownNode());
    assertEquals(List.of(dir.resolve("home/bin/idmint").toString()), c.command());
    assertEquals(EnumSet.of(Fault.PARTITION, Fault.KILL, Fault.CLOCK, Fault.LOSS), c.nemesis());
    assertEquals(Fault.DEMO, c.nemesis());
    assertEquals(5, c.nodeCount());
    assertEquals(5, c.concurrency());
    assertTrue(c.timeLimit() >= 10 && c.timeLimit() <= 20);
    assertEquals(dir.resolve("store"), c.store());
  }

  @Test
  void anyTestFlag_givesMaelstromDefaultsForTheRest() {
    Config c = resolve(with("nodeCount", 3));
    assertFalse(c.demo());
    assertEquals(60, c.timeLimit());
    assertEquals(5, c.rate());
    assertEquals(10, c.nemesisInterval());
    assertTrue(c.nemesis().isEmpty());
    assertNull(c.availability());
    assertEquals(3, c.concurrency());
  }

  @Test
  void seedAndStore_keepTheDemo() {
    assertTrue(resolve(with("seed", 5L)).demo());
    assertEquals(5L, resolve(with("seed", 5L)).seed());
    assertTrue(resolve(with("store", Path.of("s"))).demo());
  }

  @Test
  void concurrency_acceptsMaelstromsPerNodeForm() {
    assertEquals(10, Resolution.parseConcurrency("2n", 5));
    assertEquals(7, Resolution.parseConcurrency("7", 5));
    assertTrue(error(with("concurrency", "two")).contains("--concurrency"));
    assertTrue(error(with("concurrency", "0")).contains("--concurrency"));
  }

  @Test
  void availability_totalOrAFraction() {
    assertEquals(1.0, Resolution.parseAvailability("total"));
    assertEquals(0.99, Resolution.parseAvailability("0.99"));
    assertTrue(error(with("availability", "1.5")).contains("--availability"));
    assertTrue(error(with("availability", "most")).contains("'total'"));
  }

  @Test
  void workload_otherThanUniqueIds_isABadArgument() {
    assertTrue(error(with("workload", "broadcast")).contains("only -w unique-ids"));
    assertTrue(
        resolve(with("workload", "unique-ids")).demo(), "-w unique-ids alone is still the demo");
  }

  @Test
  void nemesis_unknownFault_namesTheKnownOnes() {
    String m = error(with("nemesis", "partition,hammer"));
    assertTrue(
        m.contains("'hammer'") && m.contains("partition, kill, clock, loss, pause or registry"), m);
    assertEquals(
        EnumSet.of(Fault.PARTITION, Fault.LOSS),
        resolve(with("nemesis", "partition, loss")).nemesis());
  }

  @Test
  void clock_withoutLibfaketime_isABadArgument_whenAskedFor() {
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> Config.resolve(with("nemesis", "clock"), env, dir, null))
            .getMessage();
    assertTrue(m.contains("apt-get install faketime"), m);
  }

  @Test
  void clock_withoutLibfaketime_isDroppedFromTheDemo_withAWarning() {
    Config c = Config.resolve(flags(), env, dir, null);
    assertFalse(c.nemesis().contains(Fault.CLOCK));
    assertTrue(c.nemesis().contains(Fault.KILL));
    assertTrue(c.warnings().get(0).contains("apt-get install faketime"));
    assertNull(c.faketimeLib());
  }

  @Test
  void numbers_outOfRange_areBadArguments() {
    assertTrue(error(with("nodeCount", 0)).contains("--node-count"));
    assertTrue(error(with("timeLimit", -1.0)).contains("--time-limit"));
    assertTrue(error(with("rate", -1.0)).contains("--rate"));
    assertTrue(error(with("latency", -5.0)).contains("--latency"));
    assertTrue(error(with("nemesisInterval", 0.0)).contains("--nemesis-interval"));
    assertTrue(error(with("latencyDist", "normal")).contains("--latency-dist"));
  }

  @Test
  void bin_mustExistAndBeExecutable() throws Exception {
    assertTrue(error(with("bin", List.of("./nope"))).contains("no such file"));
    Path script = Files.writeString(dir.resolve("node.py"), "print()\n");
    assertTrue(error(with("bin", List.of("node.py"))).contains("not executable"));
    assertTrue(error(with("bin", List.of(dir.toString()))).contains("directory"));
  }

  @Test
  void bin_isResolvedLikeMaelstrom_thenOnPath_andFileArgsBecomeAbsolute() throws Exception {
    Path script = Files.writeString(dir.resolve("node.py"), "print()\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Config c = resolve(with("bin", List.of("node.py", "node.py", "--flag", "plain")));
    assertEquals(List.of(script.toString(), script.toString(), "--flag", "plain"), c.command());
    assertFalse(c.ownNode());
    Config p = resolve(with("bin", List.of("idmint")));
    assertEquals(dir.resolve("home/bin/idmint").toString(), p.command().get(0));
  }

  @Test
  void store_mustBeAWritableDirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertTrue(error(with("store", file)).contains("not a writable directory"));
    assertTrue(error(with("store", file.resolve("sub"))).contains("not a writable directory"));
    assertEquals(dir.resolve("new/deeper"), resolve(with("store", Path.of("new/deeper"))).store());
  }

  @Test
  void ownNode_withoutIdmintHome_saysHowToFixIt() {
    String m =
        assertThrows(
                IllegalArgumentException.class, () -> Config.resolve(flags(), Map.of(), dir, lib))
            .getMessage();
    assertTrue(m.contains("IDMINT_HOME") && m.contains("--bin"), m);
  }

  @Test
  void http_ownService_isServeWithPlaceholdersFilledPerInstance() {
    Config c = resolve(with("http", true));
    assertTrue(c.demo(), "--http alone is the demo, of our service");
    assertFalse(c.http().lb());
    assertEquals(
        List.of(
            dir.resolve("home/bin/idmint").toString(),
            "serve",
            "--port",
            "{port}",
            "--worker-id",
            "{index}",
            "--state-dir",
            "{state}"),
        c.command());
  }

  @Test
  void http_binFoundOnPath_hasNoMaelstromWarning() throws Exception {
    Config.Flags f = with("bin", List.of("idmint", "--flag"));
    assertTrue(resolve(http(f)).warnings().isEmpty(), resolve(http(f)).warnings().toString());
    assertFalse(resolve(f).warnings().isEmpty(), "a node found on PATH is warned about");
  }

  @Test
  void http_refusesMaelstromsMessageLogs() {
    Config.Flags f = with("logging", new Config.Logging(false, true, false));
    assertTrue(error(http(f)).contains("history.jsonl"));
  }

  @Test
  void lb_needsHttp_andMustBeHaproxy() {
    assertTrue(error(with("lb", "haproxy")).contains("needs --http"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Programs.http("nginx", env, List.of()))
            .getMessage()
            .contains("--lb must be haproxy"));
  }

  @Test
  void lb_withoutHaproxy_saysHowToInstallIt() {
    String m =
        assertThrows(IllegalArgumentException.class, () -> Programs.http("haproxy", env, List.of()))
            .getMessage();
    assertTrue(m.contains("apt-get install haproxy"), m);
  }

  @Test
  void lb_findsHaproxyAndTheProjectsConfig() throws Exception {
    Path sbin = Files.createDirectories(dir.resolve("sbin"));
    Path exe = Files.writeString(sbin.resolve("haproxy"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Programs.http("haproxy", env, List.of(sbin.toString())))
            .getMessage()
            .contains("deploy/haproxy.cfg is missing"));
    Path cfg = Files.createDirectories(dir.resolve("home/deploy")).resolve("haproxy.cfg");
    Files.writeString(cfg, "# config\n");
    Config.Http h = Programs.http("haproxy", env, List.of(sbin.toString()));
    assertEquals(exe, h.haproxy());
    assertEquals(cfg, h.haproxyConfig());
    assertTrue(h.lb());
  }

  /** {@code f} with the registry's flags. */
  private static Config.Flags registry(
      Config.Flags f, String registry, String workerIds, Long ttlMs) {
    return new Config.Flags(
        f.workload(),
        f.bin(),
        f.nodeCount(),
        f.timeLimit(),
        f.rate(),
        f.concurrency(),
        f.latency(),
        f.latencyDist(),
        f.nemesis(),
        f.nemesisInterval(),
        f.availability(),
        f.seed(),
        f.testCount(),
        f.logging(),
        f.topology(),
        f.store(),
        f.http(),
        f.lb(),
        registry,
        workerIds,
        ttlMs);
  }

  /** An etcd on the test's PATH. */
  private Path etcd() throws Exception {
    Path exe = dir.resolve("home/bin/etcd");
    Files.writeString(exe, "#!/bin/sh\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    return exe;
  }

  @Test
  void registry_ownService_leasesItsWorker_fromItsOwnProxiesToEtcd() throws Exception {
    Path etcd = etcd();
    Config c = resolve(registry(http(flags()), "etcd", "0-2", null));
    assertTrue(c.demo(), "the registry's flags keep the demo");
    assertEquals(EnumSet.allOf(Fault.class), c.nemesis(), "its demo has pause and registry too");
    Config.Registry r = c.registry();
    assertEquals(new Config.Registry(etcd, "test", "0-2", 0, 2, 2000), r);
    assertEquals(3, r.workers());
    assertEquals(
        List.of(
            dir.resolve("home/bin/idmint").toString(),
            "serve",
            "--port",
            "{port}",
            "--registry",
            "{registry}",
            "--fleet",
            "test",
            "--instance",
            "{node}",
            "--registry-ttl-ms",
            "2000",
            "--worker-ids",
            "0-2"),
        c.command(),
        "no worker id, and no range unless given");
    Config wide = resolve(registry(http(with("nodeCount", 3)), "etcd", null, 5000L));
    assertEquals(new Config.Registry(etcd, "test", null, 0, 1023, 5000), wide.registry());
    assertFalse(wide.command().contains("--worker-ids"));
    assertEquals(Set.of(), wide.nemesis(), "a test flag: Maelstrom's defaults, no faults");
    assertEquals(Fault.DEMO, resolve(http(flags())).nemesis(), "--http alone: the four");
  }

  @Test
  void registry_flags_areCheckedLikeTheOthers() throws Exception {
    assertTrue(error(registry(flags(), "etcd", null, null)).contains("it needs --http"));
    etcd();
    Config.Flags h = http(flags());
    assertTrue(error(registry(h, "zookeeper", null, null)).contains("must be etcd, got"));
    assertTrue(error(registry(h, null, "0-2", null)).contains("--worker-ids is the range"));
    assertTrue(error(registry(h, null, null, 2000L)).contains("needs --registry etcd"));
    for (String bad : new String[] {"2-1", "0-1024", "x", "3", "-1-2", "0-2-4"}) {
      assertTrue(error(registry(h, "etcd", bad, null)).contains("--worker-ids must be LO-HI"), bad);
    }
    for (long bad : new long[] {1000, 2500, 0, -2000, 86_401_000}) {
      assertTrue(
          error(registry(h, "etcd", null, bad)).contains("--registry-ttl-ms must be whole seconds"),
          Long.toString(bad));
    }
    assertEquals(5, resolve(registry(h, "etcd", " 5 - 5 ", null)).registry().lo());
  }

  @Test
  void registry_withoutEtcd_saysHowToInstallIt() {
    String m = error(registry(http(flags()), "etcd", null, null));
    assertTrue(m.contains("apt-get install etcd-server"), m);
  }

  @Test
  void pause_needsHttp_andTheRegistryFault_needsTheRegistry() throws Exception {
    assertTrue(error(with("nemesis", "pause")).contains("the pause fault stops HTTP instances"));
    assertEquals(
        EnumSet.of(Fault.PAUSE), resolve(http(with("nemesis", "pause"))).nemesis(), "with --http");
    assertTrue(
        error(http(with("nemesis", "registry"))).contains("it needs --registry etcd"),
        "the registry fault without a registry");
    etcd();
    assertEquals(
        EnumSet.of(Fault.REGISTRY, Fault.KILL),
        resolve(registry(http(with("nemesis", "registry,kill")), "etcd", null, null)).nemesis());
  }
}
