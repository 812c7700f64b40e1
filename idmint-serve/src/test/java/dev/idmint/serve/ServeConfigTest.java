package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.Scheme;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServeConfigTest {
  private static final Supplier<String> NO_HOST =
      () -> {
        throw new AssertionError("host name read without --worker-id-from-hostname");
      };

  private static final Map<String, String> EVERY_VARIABLE =
      Map.of(
          "IDMINT_PORT", "9000",
          "IDMINT_BIND", "0.0.0.0",
          "IDMINT_SCHEME", "counter",
          "IDMINT_WORKER_ID", "7",
          "IDMINT_NODE", "east-1",
          "IDMINT_STATE_DIR", "/var/lib/idmint",
          "IDMINT_MAX_LEAD_MS", "500",
          "IDMINT_MAX_COUNT", "50",
          "IDMINT_MAX_CONNECTIONS", "9",
          "IDMINT_SHUTDOWN_DELAY_MS", "3000");

  private static ServeConfig.Flags flags(Integer worker, String fromHost) {
    return new ServeConfig.Flags(
        null, null, null, worker, fromHost, null, null, null, null, null, null);
  }

  @Test
  void resolve_nothingGiven_takesTheDefaults() {
    ServeConfig c = ServeConfig.resolve(ServeConfig.Flags.none(), Map.of(), NO_HOST);
    assertEquals("127.0.0.1", c.bind());
    assertEquals(8080, c.port());
    assertEquals(Scheme.SNOWFLAKE, c.scheme());
    assertEquals(0, c.worker());
    assertNull(c.workerSource());
    assertEquals("w0", c.node());
    assertNull(c.stateDir());
    assertEquals(Duration.ofSeconds(10), c.maxLead());
    assertEquals(10_000, c.limits().maxCount());
    assertEquals(4096, c.limits().maxConnections());
    assertEquals(Duration.ZERO, c.limits().shutdownDelay());
  }

  @Test
  void resolve_environment_setsEverything() {
    ServeConfig c = ServeConfig.resolve(ServeConfig.Flags.none(), EVERY_VARIABLE, NO_HOST);
    assertEquals("0.0.0.0", c.bind());
    assertEquals(9000, c.port());
    assertEquals(Scheme.COUNTER, c.scheme());
    assertEquals(7, c.worker());
    assertEquals("IDMINT_WORKER_ID", c.workerSource());
    assertEquals("east-1", c.node());
    assertEquals(Path.of("/var/lib/idmint"), c.stateDir());
    assertEquals(Duration.ofMillis(500), c.maxLead());
    assertEquals(50, c.limits().maxCount());
    assertEquals(9, c.limits().maxConnections());
    assertEquals(Duration.ofSeconds(3), c.limits().shutdownDelay());
  }

  @Test
  void resolve_flagWinsOverItsVariable() {
    ServeConfig.Flags f =
        new ServeConfig.Flags(
            0, "::1", Scheme.SNOWFLAKE, 3, null, "n", Path.of("s"), 20L, 5, 6, 100L);
    ServeConfig c = ServeConfig.resolve(f, EVERY_VARIABLE, NO_HOST);
    assertEquals(
        "::1 0 snowflake 3 --worker-id n s 20 5 6 100",
        String.join(
            " ",
            c.bind(),
            "" + c.port(),
            "" + c.scheme(),
            "" + c.worker(),
            c.workerSource(),
            c.node(),
            "" + c.stateDir(),
            "" + c.maxLead().toMillis(),
            "" + c.limits().maxCount(),
            "" + c.limits().maxConnections(),
            "" + c.limits().shutdownDelay().toMillis()));
  }

  @Test
  void resolve_workerIdFlag_overridesHostnameVariable() {
    ServeConfig c =
        ServeConfig.resolve(
            flags(5, null), Map.of("IDMINT_WORKER_ID_FROM_HOSTNAME", "idmint"), NO_HOST);
    assertEquals(5, c.worker());
  }

  @Test
  void resolve_workerFromHostname_takesTheOrdinalAndNamesTheNode() {
    ServeConfig c = ServeConfig.resolve(flags(null, "idmint"), Map.of(), () -> "idmint-42");
    assertEquals(42, c.worker());
    assertEquals("w42", c.node());
    assertEquals("host name idmint-42", c.workerSource());
    ServeConfig e =
        ServeConfig.resolve(
            ServeConfig.Flags.none(),
            Map.of("IDMINT_WORKER_ID_FROM_HOSTNAME", "a-b"),
            () -> "a-b-9");
    assertEquals(9, e.worker());
  }

  @ParameterizedTest
  @CsvSource({
    "idmint,idmint-0,0",
    "idmint,idmint-1023,1023",
    "ids-prod,ids-prod-17,17",
    "idmint,idmint-3.idmint-headless.default.svc.cluster.local,3",
    "idmint,' idmint-5 ',5",
  })
  void ordinal_statefulSetPodNames(String set, String host, int worker) {
    assertEquals(worker, ServeConfig.ordinal(host, set, "--worker-id-from-hostname"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "idmint",
        "idmint-",
        "idmint-a",
        "idmint-1x",
        "idmint-3-1",
        "idmint-007",
        "idmint-01",
        "idmint-1024",
        "idmint-99999",
        "idmint-12345678901234567890",
        "other-3",
        "xidmint-3",
        "ip-10-0-1-23.ec2.internal",
        "localhost",
        "",
        "-"
      })
  void ordinal_anythingButExactlyNameDashOrdinal_isRefusedSayingWhatWasExpected(String host) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.ordinal(host, "idmint", "--worker-id-from-hostname"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "--worker-id-from-hostname=idmint takes the worker id from a host name whose first"
                    + " label is idmint-<ordinal>, the ordinal 0..1023 without leading zeros"),
        e.getMessage());
    assertTrue(e.getMessage().contains("the host name is '" + host.trim() + "'"), e.getMessage());
  }

  @Test
  void ordinal_withoutAStatefulSetName_saysWhatItNeeds() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.ordinal("idmint-3", "", "--worker-id-from-hostname"));
    assertEquals(
        "--worker-id-from-hostname needs the StatefulSet's name, as in"
            + " --worker-id-from-hostname=idmint for pods idmint-0, idmint-1, ...; got nothing",
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "IDMINT_PORT|x|IDMINT_PORT=x: not an integer",
        "IDMINT_PORT|70000|port must be 0..65535",
        "IDMINT_SCHEME|uuid|IDMINT_SCHEME=uuid: unknown scheme 'uuid'",
        "IDMINT_WORKER_ID|1024|worker id must be 0..1023, got 1024",
        "IDMINT_WORKER_ID|-1|worker id must be 0..1023, got -1",
        "IDMINT_SHUTDOWN_DELAY_MS|-1|shutdown delay must be 0..600000 ms",
        "IDMINT_SHUTDOWN_DELAY_MS|x|IDMINT_SHUTDOWN_DELAY_MS=x: not an integer",
        "IDMINT_NODE|a/b|node name 'a/b' must be 1 to 64 letters",
        "IDMINT_NODE|.hidden|not starting with '.'",
        "IDMINT_MAX_LEAD_MS|0|max lead must be 1 to 86400000 ms (1 ms to 1 day), got 0 ms",
        "IDMINT_MAX_LEAD_MS|86400001|max lead must be 1 to 86400000 ms (1 ms to 1 day), got"
            + " 86400001 ms",
        "IDMINT_MAX_COUNT|0|max count must be 1..100000",
        "IDMINT_MAX_COUNT|100001|max count must be 1..100000",
        "IDMINT_MAX_CONNECTIONS|0|max connections must be at least 1",
      })
  void resolve_badValue_namesItAndWhatIsAllowed(String name, String value, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.resolve(ServeConfig.Flags.none(), Map.of(name, value), NO_HOST));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void resolve_bothWorkerFlags_isAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.resolve(flags(1, "idmint"), Map.of(), () -> "idmint-1"));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());
  }

  @Test
  void resolve_podIndexVariable_withTheHostNameAsFallback() {
    Map<String, String> pod =
        Map.of("IDMINT_WORKER_ID", "2", "IDMINT_WORKER_ID_FROM_HOSTNAME", "idmint");
    ServeConfig c = ServeConfig.resolve(ServeConfig.Flags.none(), pod, () -> "idmint-2");
    assertEquals(2, c.worker());
    assertEquals("IDMINT_WORKER_ID", c.workerSource());
    // No pod-index label: the downward API gives an empty variable, and the host name decides.
    ServeConfig noLabel =
        ServeConfig.resolve(
            ServeConfig.Flags.none(),
            Map.of("IDMINT_WORKER_ID", "", "IDMINT_WORKER_ID_FROM_HOSTNAME", "idmint"),
            () -> "idmint-4");
    assertEquals(4, noLabel.worker());
    assertEquals("host name idmint-4", noLabel.workerSource());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeConfig.resolve(ServeConfig.Flags.none(), pod, () -> "idmint-3"));
    assertTrue(
        e.getMessage().contains("IDMINT_WORKER_ID=2 but the host name idmint-3 says worker 3"),
        e.getMessage());
  }

  @Test
  void resolve_blankVariables_countAsUnset() {
    ServeConfig c =
        ServeConfig.resolve(
            ServeConfig.Flags.none(), Map.of("IDMINT_PORT", " ", "IDMINT_WORKER_ID", ""), NO_HOST);
    assertEquals(8080, c.port());
    assertNull(c.workerSource());
  }

  private static ServeConfig registry(ServeConfig.RegistryFlags r, Map<String, String> env) {
    return ServeConfig.resolve(ServeConfig.Flags.none(), r, env, () -> "pod-7f9c");
  }

  @Test
  void registry_fromVariables_defaultsToTheHostNameDefaultFleetAllWorkersAnd10s() {
    ServeConfig c =
        registry(ServeConfig.RegistryFlags.none(), Map.of("IDMINT_REGISTRY", "etcd://e:2379"));
    ServeConfig.Registry r = c.registry();
    assertEquals("etcd://e:2379", r.url());
    assertEquals("default", r.fleet());
    assertEquals("pod-7f9c", r.instance());
    assertEquals("0-1023", r.workerIds());
    assertEquals(Duration.ofSeconds(10), r.ttl());
    assertEquals(false, r.exact());
    assertEquals("pod-7f9c", c.node(), "the node defaults to the instance: no worker is known");
    ServeConfig e =
        registry(
            ServeConfig.RegistryFlags.none(),
            Map.of(
                "IDMINT_REGISTRY", "etcd://e:2379",
                "IDMINT_FLEET", "orders",
                "IDMINT_INSTANCE", "orders-a",
                "IDMINT_WORKER_IDS", "10-19",
                "IDMINT_REGISTRY_TTL_MS", "4000"));
    assertEquals(
        new ServeConfig.Registry(
            "etcd://e:2379", "orders", "orders-a", "10-19", Duration.ofSeconds(4), false),
        e.registry());
  }

  @Test
  void registry_flagsWinOverVariables_andAWorkerIdIsClaimedExactly() {
    ServeConfig c =
        ServeConfig.resolve(
            flags(5, null),
            new ServeConfig.RegistryFlags("etcd://f:1", "fl", "in", null, 2000L),
            Map.of("IDMINT_REGISTRY", "etcd://e:2379", "IDMINT_FLEET", "orders"),
            NO_HOST);
    assertEquals(
        new ServeConfig.Registry("etcd://f:1", "fl", "in", "0-1023", Duration.ofSeconds(2), true),
        c.registry());
    assertEquals(5, c.worker());
    assertEquals("w5", c.node());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1500|registry TTL must be whole seconds from 2000 ms",
        "2500|registry TTL must be whole seconds",
        "0|registry TTL must be whole seconds",
      })
  void registry_ttlBelow2sOrNotWholeSeconds_isRefused(long ttl, String says) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                registry(
                    new ServeConfig.RegistryFlags("etcd://e:1", null, null, null, ttl), Map.of()));
    assertTrue(e.getMessage().startsWith(says), e.getMessage());
  }

  @Test
  void registry_withStateDirCounterHlcOrBothWorkerSettings_isRefused_andItsSettingsNeedIt() {
    ServeConfig.RegistryFlags r =
        new ServeConfig.RegistryFlags("etcd://e:1", null, null, null, null);
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> registry(r, Map.of("IDMINT_STATE_DIR", "/var/lib/idmint")))
            .getMessage()
            .contains("--registry or --state-dir, not both"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> registry(r, Map.of("IDMINT_SCHEME", "counter")))
            .getMessage()
            .contains("run them with --state-dir"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    registry(
                        new ServeConfig.RegistryFlags("etcd://e:1", null, null, "0-9", null),
                        Map.of("IDMINT_WORKER_ID", "3")))
            .getMessage()
            .contains("not both"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> registry(ServeConfig.RegistryFlags.none(), Map.of("IDMINT_FLEET", "x")))
            .getMessage()
            .contains("give --registry"));
  }
}
