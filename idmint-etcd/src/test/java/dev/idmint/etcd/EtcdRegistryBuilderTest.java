package dev.idmint.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.IdStateException;
import dev.idmint.id.Scheme;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Settings, URLs, the worker record and the gateway's JSON: no etcd needed. */
class EtcdRegistryBuilderTest {
  @Test
  void url_withSeveralMembers_isParsedInOrder() {
    Endpoints e = Endpoints.parse("etcd://10.0.0.1:2379,etcd-1.example:2379,[::1]:23790");
    assertEquals("etcd://10.0.0.1:2379,etcd-1.example:2379,[::1]:23790", e.url());
    assertEquals(
        List.of("http://10.0.0.1:2379", "http://etcd-1.example:2379", "http://[::1]:23790"),
        e.members().stream().map(Object::toString).toList());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|it is empty",
        "localhost:2379|it does not start with etcd://",
        "http://localhost:2379|the scheme is 'http', not etcd",
        "etcds://localhost:2379|the scheme is 'etcds'",
        "etcd://|a member is empty",
        "etcd://localhost|'localhost' has no port",
        "etcd://localhost:0|'0' in 'localhost:0' is not a port",
        "etcd://localhost:65536|is not a port",
        "etcd://localhost:23x9|is not a port",
        "etcd://a:1,,b:2|a member is empty",
        "etcd://a:1,a:1|a:1 is listed twice",
        "etcd://a:1/v3|'/' has no place in it",
        "etcd://user@a:1|'@' has no place in it",
        "etcd://a_b:1|'a_b' is not a host name",
        "etcd://[zz]:1|'[zz]' is not an IPv6 address",
      })
  void badUrl_isRefused_sayingWhy(String url, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EtcdRegistry.builder(url).build());
    assertTrue(
        e.getMessage().startsWith("registry URL must look like etcd://HOST:PORT"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1000, 1999, 2500, 86_401_000})
  void ttl_outsideWholeSecondsFrom2sTo1Day_isRefused(long millis) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EtcdRegistry.builder("etcd://a:1").ttl(Duration.ofMillis(millis)).build());
    assertTrue(e.getMessage().contains("registry TTL must be whole seconds"), e.getMessage());
  }

  @Test
  void defaults_areTheIssuesOnes() {
    EtcdRegistry r = EtcdRegistry.builder("etcd://127.0.0.1:2379").build();
    assertEquals(Duration.ofSeconds(10), r.ttl());
    assertEquals("default", r.fleet());
    assertEquals("0-1023", r.workerIds());
    assertEquals(EtcdRegistry.hostName(), r.instance());
    EtcdRegistry.Status s = r.status();
    assertEquals(EtcdRegistry.State.ACQUIRING, s.state());
    assertEquals(-1, s.worker());
    assertEquals(0, s.timeLeftMillis(0));
    r.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "1-", "-1", "2-1", "0-1024", "\u00e9"})
  void badNames_andRanges_areRefused(String bad) {
    assertThrows(
        IllegalArgumentException.class,
        () -> EtcdRegistry.builder("etcd://a:1").workerIds(bad).build());
    if (!bad.matches("[0-9-]*")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> EtcdRegistry.builder("etcd://a:1").fleet(bad).build());
      assertThrows(
          IllegalArgumentException.class,
          () -> EtcdRegistry.builder("etcd://a:1").instance(bad).build());
    }
  }

  @Test
  void counterAndHlcClaims_areRefused_beforeEtcdIsAsked() {
    EtcdRegistry r = EtcdRegistry.builder("etcd://127.0.0.1:1").build();
    for (Scheme s : List.of(Scheme.COUNTER, Scheme.HLC)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> r.claim(s, "n1", -1));
      assertTrue(e.getMessage().contains("assigns snowflake workers"), e.getMessage());
    }
    r.close();
  }

  @Test
  void workerRecord_roundTrips_andAnotherWorkersIsRefused() {
    WorkerRecord r = new WorkerRecord(7, 1_795_802_372_882L, "orders-7", false);
    assertEquals(
        "idmint-worker v=1 worker=7 time=2026-11-27T17:59:32.882Z instance=orders-7 state=held",
        r.format());
    assertEquals(r, WorkerRecord.parse(r.format(), 7, "k"));
    assertEquals(r.releasedAt(5), WorkerRecord.parse(r.releasedAt(5).format(), 7, "k"));
    IdStateException e =
        assertThrows(IdStateException.class, () -> WorkerRecord.parse(r.format(), 8, "k"));
    assertTrue(e.getMessage().contains("it belongs to worker 7"), e.getMessage());
    for (String bad :
        List.of(
            "",
            "idmint-worker",
            r.format().replace("v=1", "v=2"),
            r.format().replace("state=held", "state=gone"),
            r.format().replace("2026", "x"),
            r.format() + " time=1")) {
      assertThrows(IdStateException.class, () -> WorkerRecord.parse(bad, 7, "k"), bad);
    }
  }

  @Test
  void json_readsWhatTheGatewayWrites() {
    Map<String, Object> m =
        Json.object(
            Json.parse(
                "{\"header\":{\"revision\":\"12\"},\"succeeded\":true,\"responses\":[{\"response_range\":"
                    + "{\"kvs\":[{\"key\":\"L2E=\",\"value\":\"aGk=\",\"lease\":\"7\"}]}}],"
                    + "\"code\":5,\"s\":\"a\\\"\\u00e9\\n\",\"n\":null,\"d\":-1.5e3}"),
            "test");
    assertEquals(12, Json.integer(Json.object(m, "header"), "revision"));
    assertTrue(Json.bool(m, "succeeded"));
    assertEquals(5, Json.integer(m, "code"));
    assertEquals("a\"\u00e9\n", Json.string(m, "s"));
    assertEquals(0, Json.integer(m, "absent"));
    assertEquals(-1500.0, m.get("d"));
    for (String bad : List.of("", "{", "{\"a\":}", "[1,]", "{} x", "\"\\x\"", "tru")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }
}
