package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.HlcId;
import dev.idmint.id.Scheme;
import dev.idmint.id.SnowflakeId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTest {
  private final Fixture snowflake = Fixture.snowflake();

  @Test
  void ids_noParameters_oneSnowflakeIdAsADecimalString() {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids");
    assertEquals(200, a.status());
    assertEquals("application/json", a.contentType());
    assertTrue(a.noStore());
    List<String> ids = Fixture.ids(a.body());
    assertEquals(1, ids.size());
    assertTrue(ids.get(0).matches("[1-9][0-9]{0,18}"), ids.get(0));
    assertTrue(a.body().endsWith("\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST"})
  void ids_count_givesThatManyStrictlyIncreasingIds(String method) {
    long last = -1;
    for (int round = 0; round < 20; round++) {
      List<String> ids = Fixture.ids(snowflake.call(method, "/v1/ids?count=1000").body());
      assertEquals(1000, ids.size());
      for (String id : ids) {
        long v = Long.parseLong(id);
        assertTrue(v > last, v + " after " + last);
        last = v;
      }
    }
  }

  @Test
  void ids_formatNumber_givesJsonNumbers() {
    List<String> ids = Fixture.ids(snowflake.call("GET", "/v1/ids?count=3&format=number").body());
    assertEquals(3, ids.size());
    ids.forEach(id -> assertTrue(id.matches("#[1-9][0-9]*"), id));
  }

  @Test
  void ids_acceptTextPlain_givesOneIdPerLine() {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids?count=4", "text/plain", null, null);
    assertEquals(200, a.status());
    assertEquals("text/plain; charset=utf-8", a.contentType());
    assertTrue(a.body().matches("([1-9][0-9]*\n){4}"), a.body());
  }

  @Test
  void ids_postedForm_readsItsParameters() {
    Fixture.Answer a =
        snowflake.call(
            "POST",
            "/v1/ids",
            null,
            "application/x-www-form-urlencoded; charset=utf-8",
            "count=5&format=number");
    assertEquals(200, a.status(), a.body());
    assertEquals(5, Fixture.ids(a.body()).size());
    assertTrue(Fixture.ids(a.body()).get(0).startsWith("#"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-Urlencoded",
        "application/x-www-form-urlencoded;charset=UTF-8",
        " application/x-www-form-urlencoded ; charset=utf-8"
      })
  void ids_formContentType_matchedExactly_charsetAllowed(String type) {
    assertEquals(200, snowflake.call("POST", "/v1/ids", null, type, "count=2").status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/x-www-form-urlencodedX",
        "application/x-www-form-urlencoded-json",
        "application/x-www-form",
        "multipart/form-data",
        ""
      })
  void ids_notQuiteAForm_is415(String type) {
    assertEquals(415, snowflake.call("POST", "/v1/ids", null, type, "count=2").status());
  }

  @Test
  void ids_postedJson_is415WithWhatToSendInstead() {
    Fixture.Answer a = snowflake.call("POST", "/v1/ids", null, "application/json", "{\"count\":3}");
    assertEquals(415, a.status());
    assertTrue(Fixture.field(a.body(), "error").contains("application/x-www-form-urlencoded"));
  }

  @Test
  void ids_counter_readNodeDashN() {
    Fixture counter = Fixture.counter();
    List<String> ids = Fixture.ids(counter.call("GET", "/v1/ids?count=3").body());
    assertEquals(List.of("w0-0", "w0-1", "w0-2"), ids);
    assertEquals(
        "w0-3\nw0-4\n", counter.call("GET", "/v1/ids?count=2", "text/plain", null, null).body());
  }

  @Test
  void ids_counterWithFormatNumber_is400() {
    Fixture.Answer a = Fixture.counter().call("GET", "/v1/ids?format=number");
    assertEquals(400, a.status());
    assertTrue(a.noStore());
    assertTrue(Fixture.field(a.body(), "error").contains("counter IDs, which are strings"));
  }

  @Test
  void ids_overTheMaxCount_is400NamingTheMax() {
    Fixture f =
        new Fixture(
            ServeConfig.defaults().withLimits(ServeConfig.Limits.defaults().withMaxCount(50)));
    assertEquals(200, f.call("GET", "/v1/ids?count=50").status());
    Fixture.Answer a = f.call("GET", "/v1/ids?count=51");
    assertEquals(400, a.status());
    assertEquals(
        "count must be an integer from 1 to 50, got '51'", Fixture.field(a.body(), "error"));
  }

  @Test
  void ids_nothingAcceptable_is406() {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids", "text/html", null, null);
    assertEquals(406, a.status());
    assertTrue(Fixture.field(a.body(), "error").contains("application/json or text/plain"));
  }

  @Test
  void ids_absoluteFormTarget_isServed() {
    assertEquals(200, snowflake.call("GET", "http://ids.example:8080/v1/ids?count=2").status());
    assertEquals(404, snowflake.call("GET", "http://ids.example").status());
    assertEquals(400, snowflake.call("GET", "*").status());
  }

  @Test
  void decode_snowflakeId_givesItsFields() {
    long value = (1L << 22) | (5L << 12) | 7; // 1 ms past the epoch, worker 5, sequence 7
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/" + value);
    assertEquals(200, a.status());
    assertFalse(a.noStore()); // a decoding never changes
    assertEquals(
        "{\"id\":\""
            + value
            + "\",\"scheme\":\"snowflake\",\"timestamp\":\"2024-01-01T00:00:00.001Z\","
            + "\"timestamp_ms\":1704067200001,\"worker\":5,\"sequence\":7}\n",
        a.body());
  }

  @Test
  void decode_hlcId_givesItsFields() {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/1704067200001_3_w2");
    assertEquals(200, a.status());
    assertEquals(
        "{\"id\":\"1704067200001_3_w2\",\"scheme\":\"hlc\",\"timestamp\":\"2024-01-01T00:00:00.001Z\","
            + "\"pt\":1704067200001,\"lc\":3,\"node\":\"w2\"}\n",
        a.body());
  }

  @Test
  void ids_hlc_readPtLcNode_strictlyIncreasing_inJsonAndText() {
    Fixture hlc = Fixture.hlc();
    List<String> ids = Fixture.ids(hlc.call("GET", "/v1/ids?count=500").body());
    assertEquals(500, ids.size());
    HlcId prev = null;
    for (String text : ids) {
      HlcId id = HlcId.parse(text);
      assertEquals("w0", id.node());
      assertTrue(prev == null || id.compareTo(prev) > 0, id + " after " + prev);
      assertTrue(Math.abs(id.pt() - System.currentTimeMillis()) < 60_000, text);
      prev = id;
    }
    String lines = hlc.call("GET", "/v1/ids?count=2", "text/plain", null, null).body();
    assertTrue(lines.matches("(\\d+_\\d+_w0\n){2}"), lines);
    assertTrue(HlcId.parse(lines.lines().findFirst().orElseThrow()).compareTo(prev) > 0);
    Fixture.Answer number = hlc.call("GET", "/v1/ids?format=number");
    assertEquals(400, number.status());
    assertTrue(Fixture.field(number.body(), "error").contains("hlc IDs, which are strings"));
  }

  @Test
  void info_hlcWithState_reportsItsLayoutAndLease(@TempDir Path dir) {
    Fixture f = new Fixture(ServeConfig.defaults().withScheme(Scheme.HLC).withStateDir(dir));
    f.call("GET", "/v1/ids");
    String b = f.call("GET", "/v1/info").body();
    assertEquals("hlc", Fixture.field(b, "scheme"));
    assertEquals("<pt>_<lc>_<node>", Fixture.field(b, "layout"));
    assertFalse(b.contains("\"worker\""), b);
    assertTrue(b.matches("(?s).*\"lease\":\"20[0-9-]+T[0-9:.]+Z\".*"), b);
  }

  /** An ID of {@code worker} at {@code aheadMillis} past now: one seen from a faster clock. */
  static long snowflakeAhead(long aheadMillis, int worker) {
    return (System.currentTimeMillis() + aheadMillis - SnowflakeId.EPOCH_MILLIS) << 22
        | (long) worker << 12
        | 17;
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST"})
  void after_anIdFromAFasterClock_everyIdIssuedIsGreater(String method) {
    long seen = snowflakeAhead(5000, 9); // another instance, 5 s ahead: within the 10 s bound
    Fixture.Answer a =
        method.equals("GET")
            ? snowflake.call("GET", "/v1/ids?count=3&after=" + seen)
            : snowflake.call(
                "POST",
                "/v1/ids",
                null,
                "application/x-www-form-urlencoded",
                "count=3&after=" + seen);
    assertEquals(200, a.status(), a.body());
    for (String id : Fixture.ids(a.body())) {
      assertTrue(Long.parseLong(id) > seen, id + " after " + seen);
    }
    long next = Long.parseLong(Fixture.ids(snowflake.call("GET", "/v1/ids").body()).get(0));
    assertTrue(next > seen, "and every later one");
  }

  @Test
  void after_inEveryScheme_ordersTheIdsAfterIt() {
    Fixture hlc = Fixture.hlc();
    // IDs start at the bound, the max lead ahead (no durable state): one seen at it is above them.
    HlcId seen = new HlcId(System.currentTimeMillis() + 10_000, 41, "zz");
    HlcId first = HlcId.parse(Fixture.ids(hlc.call("GET", "/v1/ids?after=" + seen).body()).get(0));
    assertEquals(new HlcId(seen.pt(), 42, "w0"), first, "the HLC receive rule");
    Fixture counter = Fixture.counter();
    assertEquals(
        List.of("w0-8", "w0-9"),
        Fixture.ids(counter.call("GET", "/v1/ids?count=2&after=east-7").body()),
        "a Lamport clock");
  }

  @Test
  void after_beyondTheBound_is422SayingWhy_countedAndChangesNothing() {
    long seen = snowflakeAhead(3_600_000, 9); // a clock an hour ahead
    Fixture.Answer a = snowflake.call("GET", "/v1/ids?after=" + seen);
    assertEquals(422, a.status());
    assertTrue(a.noStore());
    String error = Fixture.field(a.body(), "error");
    assertTrue(
        error.matches(
            // An hour less the milliseconds between making the ID and the service's clock reading.
            "after: refusing to order IDs after time \\S+: it is (1 h|59 min [0-9.]+ s) ahead of the"
                + " wall clock \\(\\S+\\), past the 10 s bound on observed IDs"),
        error);
    long next = Long.parseLong(Fixture.ids(snowflake.call("GET", "/v1/ids").body()).get(0));
    assertTrue(next < seen, "the hour-ahead ID was not followed");
    assertTrue(
        new SnowflakeId(next).timestamp().toEpochMilli() <= System.currentTimeMillis() + 10_000);
    assertTrue(snowflake.call("GET", "/metrics").body().contains("idmint_after_refused_total 1.0"));
  }

  @Test
  void after_anIdThisInstanceIssued_isAccepted_evenAtTheBound() {
    // Without durable state IDs start at the wall clock plus the max lead, at the bound itself.
    String own = Fixture.ids(snowflake.call("GET", "/v1/ids?count=3").body()).get(2);
    Fixture.Answer a = snowflake.call("GET", "/v1/ids?after=" + own);
    assertEquals(200, a.status(), a.body());
    assertTrue(Long.parseLong(Fixture.ids(a.body()).get(0)) > Long.parseLong(own));
  }

  @Test
  void after_counterPast2To61_is422_atIt_isFollowed() {
    Fixture counter = Fixture.counter();
    Fixture.Answer refused = counter.call("GET", "/v1/ids?after=east-2305843009213693953");
    assertEquals(422, refused.status(), refused.body());
    assertEquals(
        "after: an observed counter ID's n must be 0..2305843009213693952, got"
            + " 2305843009213693953",
        Fixture.field(refused.body(), "error"));
    assertEquals(
        List.of("w0-2305843009213693953"),
        Fixture.ids(counter.call("GET", "/v1/ids?after=east-2305843009213693952").body()));
  }

  @Test
  void retryAfter_isTheWaitInWholeSecondsRoundedUp() {
    assertEquals(1, Api.retryAfterSeconds(1));
    assertEquals(1, Api.retryAfterSeconds(1_000_000_000));
    assertEquals(2, Api.retryAfterSeconds(1_000_000_001));
    assertEquals(3600, Api.retryAfterSeconds(3_600_000_000_000L));
  }

  @Test
  void ids_pastTheLeadBound_waitForTheClock_or503WithRetryAfterPastTheWait() {
    Fixture f = new Fixture(ServeConfig.defaults().withMaxLead(Duration.ofMillis(5)));
    // 10,000 IDs need 2.4 ms of the worker's clock: asking faster than that meets the bound.
    Api.Reply r = null;
    for (int k = 0; k < 10_000; k++) {
      r = f.handle("GET", "/v1/ids?count=10000", null, null, null, System.nanoTime());
      if (r.retryNanos() > 0) {
        break;
      }
      r.body().release();
    }
    assertTrue(r.retryNanos() > 0 && r.retryNanos() <= 3_500_000, r.retryNanos() + " ns");
    assertNull(r.body(), "no answer yet, and no ID taken");
    Api.Reply refused =
        f.api.handle(
            io.netty.handler.codec.http.HttpMethod.GET,
            "/v1/ids?count=10000",
            null,
            null,
            null,
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
            0); // one that may not wait
    assertEquals(503, refused.status().code());
    assertEquals(1, refused.retryAfter());
    String error = Fixture.field(refused.body().toString(StandardCharsets.UTF_8), "error");
    refused.body().release();
    assertTrue(
        error.matches(
            "IDs are 5 ms ahead of the wall clock, the max lead: these would need the clock to move"
                + " on [0-9.]+ (ms|µs) more; no ID issued; a request waits for the clock at most 50"
                + " ms in all: .*"),
        error);
    Fixture.Answer a = f.call("GET", "/v1/ids?count=10000"); // waits, as the handler does
    assertEquals(200, a.status());
    long last = Long.parseLong(Fixture.ids(a.body()).get(9_999));
    long lead = new SnowflakeId(last).timestamp().toEpochMilli() - System.currentTimeMillis();
    assertTrue(lead <= 6, lead + " ms ahead");
    String m = f.call("GET", "/metrics").body();
    assertTrue(m.contains("idmint_lead_bound_refusals_total 1.0"), m);
    assertFalse(m.contains("idmint_lead_bound_waits_total 0.0"), m);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "n1-5|after must be a snowflake ID, as this service issues; 'n1-5' is a counter ID",
        "5_0_n1|after must be a snowflake ID, as this service issues; '5_0_n1' is a hlc ID",
        "abc|after: 'abc' is not an ID",
        "-5|after: '-5' is not an ID: negative numbers are never IDs",
        "|after must be an ID, got nothing",
        "1&after=2|parameter 'after' is given twice",
      })
  void after_thatIsNoIdOfThisScheme_is400(String after, String message) {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids?after=" + (after == null ? "" : after));
    assertEquals(400, a.status());
    String error = Fixture.field(a.body(), "error");
    assertTrue(error.startsWith(message), error);
  }

  @Test
  void after_onAnHlcService_saysWhatIsWrongWithItAsAnHlcId() {
    Fixture hlc = Fixture.hlc();
    assertEquals(
        "after: '1_02_w1' is not an HLC ID: lc '02' has leading zeros",
        Fixture.field(hlc.call("GET", "/v1/ids?after=1_02_w1").body(), "error"));
    assertEquals(
        "after must be a hlc ID, as this service issues; '123' is a snowflake ID",
        Fixture.field(hlc.call("GET", "/v1/ids?after=123").body(), "error"));
    assertEquals(
        "after: 'x_1_w1' is not an HLC ID: pt 'x' is not a number",
        Fixture.field(hlc.call("GET", "/v1/ids?after=x_1_w1").body(), "error"));
  }

  @Test
  void decode_counterId_givesNodeAndN() {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/east-1-42");
    assertEquals(
        "{\"id\":\"east-1-42\",\"scheme\":\"counter\",\"node\":\"east-1\",\"n\":42}\n", a.body());
  }

  @Test
  void decode_percentEncodedId_isDecodedFirst() {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/n%C3%BC-3");
    assertEquals(200, a.status());
    assertEquals("nü", Fixture.field(a.body(), "node"));
  }

  @Test
  void decode_issuedId_roundTrips() {
    String id = Fixture.ids(snowflake.call("GET", "/v1/ids").body()).get(0);
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/" + id);
    assertEquals(id, Fixture.field(a.body(), "id"));
    assertEquals("0", Fixture.field(a.body(), "worker"));
    Instant t = Instant.parse(Fixture.field(a.body(), "timestamp"));
    assertTrue(Math.abs(t.toEpochMilli() - System.currentTimeMillis()) < 60_000, t.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "abc|'abc' is not an ID: expected a snowflake number, <pt>_<lc>_<node> or <node>-<n>",
        "1_02_w1|'1_02_w1' is not an HLC ID: lc '02' has leading zeros",
        "-5|negative numbers are never IDs",
        "n1-007|leading zeros",
        "99999999999999999999|larger than 9223372036854775807",
        "n1-|no number after the last '-'",
        "%zz|bad percent-encoding",
      })
  void decode_notAnId_is400SayingWhy(String id, String message) {
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/" + id);
    assertEquals(400, a.status());
    assertTrue(Fixture.field(a.body(), "error").contains(message), a.body());
  }

  @Test
  void decode_emptyOrHugeId_is400() {
    assertEquals(400, snowflake.call("GET", "/v1/ids/").status());
    Fixture.Answer a = snowflake.call("GET", "/v1/ids/" + "9".repeat(3000));
    assertEquals(400, a.status());
    assertTrue(a.body().length() < 200, a.body());
  }

  @Test
  void info_reportsSchemeWorkerLayoutClockAndVersion() {
    Fixture.Answer a = snowflake.call("GET", "/v1/info");
    assertEquals(200, a.status());
    String b = a.body();
    assertEquals("snowflake", Fixture.field(b, "scheme"));
    assertEquals("0", Fixture.field(b, "worker"));
    assertEquals("w0", Fixture.field(b, "node"));
    assertEquals("2024-01-01T00:00:00Z", Fixture.field(b, "epoch"));
    assertEquals("1704067200000", Fixture.field(b, "epoch_ms"));
    assertNull(Fixture.field(b, "state"));
    assertEquals(Service.version(), Fixture.field(b, "version"));
    assertTrue(
        b.contains("\"layout\":{\"time_bits\":41,\"worker_bits\":10,\"sequence_bits\":12}"), b);
    assertTrue(b.contains("\"clock\":{\"lead_ms\":"), b);
    assertTrue(Double.parseDouble(Fixture.field(b, "uptime_s")) >= 0);
  }

  @Test
  void info_layoutConstants_matchTheLibrary() {
    // Api counts the bits of the library's maxima; decode a value built from them.
    long v =
        (1L << (Api.WORKER_BITS + Api.SEQUENCE_BITS))
            | (1L << Api.SEQUENCE_BITS)
            | ((1L << Api.SEQUENCE_BITS) - 1);
    SnowflakeId s = new SnowflakeId(v);
    assertEquals(1704067200001L, s.timestamp().toEpochMilli());
    assertEquals(1, s.worker());
    assertEquals((1 << Api.SEQUENCE_BITS) - 1, s.sequence());
    assertEquals(63, Api.TIME_BITS + Api.WORKER_BITS + Api.SEQUENCE_BITS);
    assertEquals(
        Instant.parse("2093-09-06T15:47:35.551Z"), new SnowflakeId(Long.MAX_VALUE).timestamp());
  }

  @Test
  void info_counterWithState_reportsNodeAndStateFile(@TempDir Path dir) {
    Fixture f = new Fixture(ServeConfig.defaults().withScheme(Scheme.COUNTER).withStateDir(dir));
    String b = f.call("GET", "/v1/info").body();
    assertEquals("counter", Fixture.field(b, "scheme"));
    assertNull(Fixture.field(b, "worker"));
    assertTrue(b.contains("\"file\":\"" + dir.resolve("w0.state").toAbsolutePath() + "\""), b);
    assertTrue(b.contains("\"reserved\":1024,\"writes\":1,\"last_write\":\"20"), b);
    f.call("GET", "/v1/ids?count=1025"); // one past the first block
    b = f.call("GET", "/v1/info").body();
    assertTrue(b.contains("\"reserved\":3072,\"writes\":2,"), b); // a second block, twice as big
  }

  @Test
  void info_snowflakeWithState_reportsTheLease(@TempDir Path dir) {
    Fixture f = new Fixture(ServeConfig.defaults().withStateDir(dir));
    String b = f.call("GET", "/v1/info").body();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"lease\":\"([^\"]+)\"").matcher(b);
    assertTrue(m.find(), b);
    long ahead = Instant.parse(m.group(1)).toEpochMilli() - System.currentTimeMillis();
    assertTrue(ahead > 0 && ahead <= 1000, ahead + " ms: " + b); // leased 1 s ahead
  }

  @Test
  void health_andReadiness_answer200() {
    assertEquals("{\"status\":\"ok\"}\n", snowflake.call("GET", "/healthz").body());
    assertEquals("{\"ready\":true}\n", snowflake.call("GET", "/readyz").body());
    assertEquals(200, snowflake.call("HEAD", "/readyz").status());
  }

  @Test
  void readiness_draining_is503WithTheReason() {
    snowflake.readiness.drain();
    Fixture.Answer a = snowflake.call("GET", "/readyz");
    assertEquals(503, a.status());
    assertTrue(Fixture.field(a.body(), "error").contains("shutting down"), a.body());
  }

  @Test
  void metrics_isPrometheusText() {
    snowflake.call("GET", "/v1/ids?count=7");
    Fixture.Answer a = snowflake.call("GET", "/metrics");
    assertEquals(200, a.status());
    assertTrue(a.contentType().startsWith("text/plain; version=0.0.4"), a.contentType());
    assertTrue(a.body().contains("idmint_ids_issued_total 7.0"), a.body());
  }

  @Test
  void metrics_countStateWrites(@TempDir Path dir) {
    Fixture f = new Fixture(ServeConfig.defaults().withScheme(Scheme.COUNTER).withStateDir(dir));
    for (int k = 0; k < 3; k++) {
      f.call("GET", "/v1/ids?count=10000"); // each runs past the block: blocks of 2048, 4096, 8192
    }
    String m = f.call("GET", "/metrics").body();
    java.util.regex.Matcher c =
        java.util.regex.Pattern.compile("idmint_state_write_duration_seconds_count ([0-9]+)")
            .matcher(m);
    assertTrue(c.find(), m);
    assertTrue(Integer.parseInt(c.group(1)) >= 4, m); // the first write and three renewals
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void durableState_isRenewedOnTheRenewalThread_notTheCaller(Scheme scheme, @TempDir Path dir)
      throws InterruptedException {
    Fixture f = new Fixture(ServeConfig.defaults().withScheme(scheme).withStateDir(dir));
    ThreadPoolExecutor renewer = (ThreadPoolExecutor) f.service.renewer();
    // A counter's first block ends at 1,024; a lease's last quarter comes within 750 ms of wall
    // time, sooner while bursts run the clock ahead.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (renewer.getTaskCount() == 0 && System.nanoTime() < deadline) {
      assertEquals(200, f.call("GET", "/v1/ids?count=1000").status());
    }
    while (renewer.getCompletedTaskCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(renewer.getCompletedTaskCount() > 0, "a renewal ran on idmint-lease-renewal");
    f.service.close();
    assertTrue(renewer.isShutdown());
  }

  @ParameterizedTest
  @CsvSource({
    "DELETE,/v1/ids,'GET, POST'",
    "HEAD,/v1/ids,'GET, POST'",
    "PUT,/v1/ids/5,'GET, HEAD'",
    "POST,/v1/info,'GET, HEAD'",
    "POST,/healthz,'GET, HEAD'",
    "POST,/readyz,'GET, HEAD'",
    "POST,/metrics,'GET, HEAD'",
  })
  void wrongMethod_is405WithAllow(String method, String path, String allow) {
    Fixture.Answer a = snowflake.call(method, path);
    assertEquals(405, a.status());
    assertEquals(allow, a.allow());
    assertTrue(Fixture.field(a.body(), "error").contains("use " + allow), a.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/v1", "/v1/ids2", "/v1/info/", "/v2/ids", "/metrics/x"})
  void unknownPath_is404ListingThePaths(String path) {
    Fixture.Answer a = snowflake.call("GET", path);
    assertEquals(404, a.status());
    assertTrue(Fixture.field(a.body(), "error").contains("/v1/ids, /v1/ids/{id}"), a.body());
  }

  @Test
  void stateThatCannotBeWritten_is503AndUnready_untilAProbeWritesIt(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("state");
    Fixture f = new Fixture(ServeConfig.defaults().withScheme(Scheme.COUNTER).withStateDir(dir));
    assertEquals(200, f.call("GET", "/v1/ids?count=10").status());
    // Break the dir so that the next block cannot be reserved (this works as root too).
    for (Path p : Files.list(dir).toList()) {
      Files.delete(p);
    }
    Files.delete(dir);
    Files.writeString(dir, "not a directory");
    Fixture.Answer a = f.call("GET", "/v1/ids?count=1015"); // w0-10 .. w0-1024: past the block
    assertEquals(503, a.status());
    assertTrue(a.noStore());
    assertTrue(Fixture.field(a.body(), "error").contains("cannot write state file"), a.body());
    // The refused request gave its numbers back: one the block covers is still issued.
    assertEquals(List.of("w0-10"), Fixture.ids(f.call("GET", "/v1/ids").body()));
    assertEquals(503, f.call("GET", "/v1/ids?count=1014").status());
    Fixture.Answer unready = f.call("GET", "/readyz");
    assertEquals(503, unready.status());
    assertTrue(
        Fixture.field(unready.body(), "error").startsWith("state cannot be written: "),
        unready.body());
    assertEquals(1, f.log.stream().filter(l -> l.startsWith("state: ")).count(), f.log.toString());
    // Counted: the request's failure, and that of the probe /readyz started off the caller.
    long until = System.nanoTime() + 5_000_000_000L;
    String m = f.call("GET", "/metrics").body();
    while (!m.matches("(?s).*idmint_state_write_failures_total [2-9].*")
        && System.nanoTime() < until) {
      Thread.sleep(20);
      m = f.call("GET", "/metrics").body();
    }
    assertTrue(m.matches("(?s).*idmint_state_write_failures_total [2-9].*"), m);

    Files.delete(dir);
    Files.createDirectory(dir);
    // Polling /readyz is enough: a probe writes the state off the caller, at most once a second.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (f.call("GET", "/readyz").status() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(200, f.call("GET", "/readyz").status());
    assertTrue(f.log.get(f.log.size() - 1).contains(" again; ready"), f.log.toString());
    List<String> ids = Fixture.ids(f.call("GET", "/v1/ids?count=5000").body());
    assertEquals(5000, new HashSet<>(ids).size());
    // The refused requests gave their numbers back: no gap, and no duplicate.
    assertEquals("w0-11", ids.get(0));
  }
}
