package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.id.HlcId;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real service under libfaketime: its wall clock jumps while it serves, and across restarts.
 */
@Timeout(180)
class ServeClockFaultIT {
  /** A snowflake, counter or HLC ID in a response; each becomes a number ordered as the IDs are. */
  private static final Pattern ID =
      Pattern.compile("\"(?:([0-9]+)_([0-9]+)_[a-z0-9]+|(?:[a-z0-9]+-)?([0-9]+))\"");

  @TempDir Path tmp;

  @BeforeAll
  static void findLibfaketime() {
    Tools.libfaketime(); // skips, or fails in CI, without it
  }

  /** Serve with its wall clock offset by what {@code offset} says (libfaketime syntax). */
  private ServeProcess start(Path offset, Path log, String... args) throws IOException {
    Map<String, String> env = ServeProcess.faketime(offset);
    return ServeProcess.start(log, env, args);
  }

  /** The numbers of every ID in a response (n for counter IDs, pt << 18 | lc for HLC IDs). */
  private static List<Long> numbers(String body) {
    List<Long> out = new ArrayList<>();
    Matcher m = ID.matcher(body);
    while (m.find()) {
      out.add(
          m.group(1) != null
              ? HlcId.pack(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))
              : Long.parseLong(m.group(3)));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"snowflake", "counter", "hlc"})
  void killedUnderLoad_andRestartedWithTheClockSetBackHours_neverReissues(String scheme)
      throws Exception {
    Path offset = Files.writeString(tmp.resolve("offset"), "+0");
    Path state = tmp.resolve("state");
    List<Long> before = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      setOffset(offset, round == 0 ? "+0" : "-" + (2 * round) + "h");
      ServeProcess s =
          start(
              offset,
              tmp.resolve("serve-" + round + ".log"),
              "--scheme",
              scheme,
              "--worker-id",
              "5",
              "--state-dir",
              state.toString());
      List<Long> got = new ArrayList<>();
      // Two clients hammer it; the test SIGKILLs it mid-burst, once enough IDs are in.
      CompletableFuture<?>[] clients = new CompletableFuture<?>[2];
      List<List<Long>> perClient = List.of(new ArrayList<>(), new ArrayList<>());
      List<IOException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int c = 0; c < clients.length; c++) {
        List<Long> mine = perClient.get(c);
        clients[c] =
            CompletableFuture.runAsync(
                () -> {
                  try (RawClient client = new RawClient(s.address)) {
                    for (int k = 0; k < 100_000; k++) {
                      HttpResponses.Response r = client.get("/v1/ids?count=500");
                      assertEquals(200, r.status(), r.body());
                      synchronized (mine) {
                        mine.addAll(numbers(r.body()));
                      }
                    }
                  } catch (IOException e) {
                    errors.add(e); // killed mid-burst: expected once there are IDs
                  }
                });
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (size(perClient) < 20_000 + round * 5_000 && System.nanoTime() < deadline) {
        ServeProcess.sleep(5);
      }
      s.kill(); // SIGKILL
      CompletableFuture.allOf(clients).get();
      for (List<Long> l : perClient) {
        got.addAll(l);
      }
      assertTrue(got.size() >= 20_000, "only " + got.size() + " IDs before the kill: " + errors);
      long maxBefore = before.stream().mapToLong(Long::longValue).max().orElse(-1);
      long minNow = got.stream().mapToLong(Long::longValue).min().orElseThrow();
      assertTrue(
          minNow > maxBefore,
          scheme
              + " round "
              + round
              + ": reissued "
              + minNow
              + " <= "
              + maxBefore
              + "\n"
              + s.stderr());
      assertEquals(got.size(), new HashSet<>(got).size(), "duplicates within round " + round);
      before.addAll(got);
    }
    String log = ServeProcess.read(tmp.resolve("serve-2.log"));
    assertTrue(log.contains(".state (resumed: IDs go on "), log);
  }

  /**
   * Two instances, one whose clock runs 5 s ahead: the other's IDs come out smaller than the fast
   * one's, until it is given the fast one's ID as {@code after=}; then every ID it issues is
   * greater. An ID from a clock an hour ahead is refused with a 422, and changes nothing.
   */
  @ParameterizedTest
  @ValueSource(strings = {"snowflake", "hlc"})
  void after_anIdFromAnInstanceWhoseClockRunsAhead_ordersTheOtherInstancesIds(String scheme)
      throws Exception {
    Path fastOffset = Files.writeString(tmp.resolve("fast-offset"), "+5");
    Path slowOffset = Files.writeString(tmp.resolve("slow-offset"), "+0");
    try (ServeProcess fast =
            start(
                fastOffset,
                tmp.resolve("fast.log"),
                "--scheme",
                scheme,
                "--worker-id",
                "9",
                "--node",
                "fast",
                // With state, IDs start at the wall clock, not the max lead past it.
                "--state-dir",
                tmp.resolve("fast-state").toString());
        ServeProcess slow =
            start(
                slowOffset,
                tmp.resolve("slow.log"),
                "--scheme",
                scheme,
                "--worker-id",
                "1",
                "--node",
                "slow",
                "--state-dir",
                tmp.resolve("slow-state").toString())) {
      String seen = id(fast.get("/v1/ids").body());
      long seenNumber = numbers("\"" + seen + "\"").get(0);
      long unordered = numbers(slow.get("/v1/ids").body()).get(0);
      assertTrue(unordered < seenNumber, "the slow clock's IDs are behind without after=");
      HttpResponse<String> followed = slow.get("/v1/ids?count=3&after=" + seen);
      assertEquals(200, followed.statusCode(), followed.body());
      for (long v : numbers(followed.body())) {
        assertTrue(v > seenNumber, v + " after " + seenNumber);
      }
      assertTrue(numbers(slow.get("/v1/ids").body()).get(0) > seenNumber, "and every later one");

      setOffset(fastOffset, "+3600");
      String farAhead = id(fast.get("/v1/ids").body());
      HttpResponse<String> refused = slow.get("/v1/ids?after=" + farAhead);
      assertEquals(422, refused.statusCode(), refused.body());
      assertTrue(
          refused.body().contains("ahead of the wall clock") && refused.body().contains("bound"),
          refused.body());
      long after = numbers(slow.get("/v1/ids").body()).get(0);
      assertTrue(after < numbers("\"" + farAhead + "\"").get(0), "the refused ID was not followed");
    }
  }

  private static String id(String body) {
    Matcher m = ID.matcher(body);
    assertTrue(m.find(), body);
    return m.group().substring(1, m.group().length() - 1);
  }

  /** Replaces the offset atomically: the process reads the file on every clock call. */
  private static void setOffset(Path offset, String value) throws IOException {
    Path tmp = Files.writeString(offset.resolveSibling("offset.tmp"), value);
    Files.move(tmp, offset, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static int size(List<List<Long>> lists) {
    int n = 0;
    for (List<Long> l : lists) {
      synchronized (l) {
        n += l.size();
      }
    }
    return n;
  }

  @Test
  void clockJumpsBackAnHourWhileServing_idsKeepIncreasing_andTheJumpIsReported() throws Exception {
    Path offset = Files.writeString(tmp.resolve("offset"), "+0");
    try (ServeProcess s = start(offset, tmp.resolve("serve.log"), "--worker-id", "1");
        RawClient client = new RawClient(s.address)) {
      long last = -1;
      for (int k = 0; k < 400; k++) {
        if (k == 200) {
          setOffset(offset, "-3600");
        }
        for (long v : numbers(client.get("/v1/ids?count=50").body())) {
          assertTrue(v > last, v + " after " + last);
          last = v;
        }
      }
      String info = client.get("/v1/info").body();
      Matcher lead = Pattern.compile("\"lead_ms\":([0-9]+)").matcher(info);
      assertTrue(lead.find(), info);
      assertTrue(Long.parseLong(lead.group(1)) > 3_500_000, info);
      // At least the one jump (libfaketime may hand one event loop a reading from before the
      // change after the other has seen it, which the generator counts as a second jump).
      Matcher jumps =
          Pattern.compile("\"backward_jumps\":([0-9]+),\"largest_jump_ms\":([0-9]+)").matcher(info);
      assertTrue(jumps.find(), info);
      assertTrue(Long.parseLong(jumps.group(1)) >= 1, info);
      assertTrue(Long.parseLong(jumps.group(2)) > 3_500_000, info);
      String metrics = client.get("/metrics").body();
      assertTrue(
          metrics.contains("idmint_clock_backward_jumps_total " + jumps.group(1) + ".0"), metrics);
      // An hour less the milliseconds between the two readings around the jump.
      assertTrue(
          Pattern.compile("clock: wall clock went back (1 h|59 min 59(\\.[0-9]+)? s) ")
              .matcher(s.stderr())
              .find(),
          s.stderr());
    }
  }

  /**
   * A lead the clock causes is not demand: after the wall clock steps back an hour, with a 1 s max
   * lead, batches go on being answered at once, the instance's own IDs (an hour ahead of its clock)
   * are accepted as after=, and the lead grows no further than the step.
   */
  @Test
  void clockSteppedBackAnHour_neverBlocksIssuing_ownIdsAreAcceptedAsAfter() throws Exception {
    Path offset = Files.writeString(tmp.resolve("offset"), "+0");
    try (ServeProcess s =
            start(offset, tmp.resolve("serve.log"), "--worker-id", "4", "--max-lead-ms", "1000");
        RawClient client = new RawClient(s.address)) {
      long last = -1;
      setOffset(offset, "-3600");
      long end = System.nanoTime() + 2_000_000_000L;
      int batches = 0;
      while (System.nanoTime() < end) {
        HttpResponses.Response r = client.get("/v1/ids?count=10000");
        assertEquals(200, r.status(), r.body());
        List<Long> ids = numbers(r.body());
        assertTrue(ids.get(0) > last);
        last = ids.get(ids.size() - 1);
        batches++;
      }
      assertTrue(batches > 10, batches + " batches");
      HttpResponses.Response own = client.get("/v1/ids?after=" + last);
      assertEquals(200, own.status(), "its own ID, an hour ahead of its clock: " + own.body());
      assertTrue(numbers(own.body()).get(0) > last);
      Matcher lead = Pattern.compile("\"lead_ms\":([0-9]+)").matcher(client.get("/v1/info").body());
      assertTrue(lead.find());
      assertTrue(Long.parseLong(lead.group(1)) <= 3_600_000 + 1_000 + 5, lead.group(1));
      String m = client.get("/metrics").body();
      assertTrue(m.contains("idmint_lead_bound_refusals_total 0.0"), m);
    }
  }
}
