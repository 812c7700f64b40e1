package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeTest {
  static final String INIT =
      "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}}\n";

  static String generate(int msgId) {
    return "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\",\"msg_id\":"
        + msgId
        + "}}\n";
  }

  /** Runs a node over {@code input}; returns stdout, and stderr into {@code log}. */
  static String run(InputStream input, StringBuilder log) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Node(
                NodeConfig.defaults(),
                input,
                out,
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run();
    assertEquals(0, code);
    if (log != null) {
      log.append(err.toString(StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String run(String input) {
    return run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), null);
  }

  @Test
  void sample_givesExpectedOutputExactly() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c0\",\"body\":{\"type\":\"init_ok\",\"in_reply_to\":1,\"msg_id\":0}}\n"
            + "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":2,\"msg_id\":1,\"id\":\"n1-0\"}}\n",
        run(INIT + generate(2)));
  }

  @Test
  void generate_beforeInit_isTemporarilyUnavailable() {
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"in_reply_to\":2,\"msg_id\":0,\"code\":11,"
            + "\"text\":\"not initialised: send init first\"}}\n",
        run(generate(2)));
  }

  @Test
  void otherType_isNotSupported_andMsgIdCountsEveryReply() {
    String out =
        run(
            INIT
                + "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"echo\",\"msg_id\":5}}\n"
                + generate(6));
    List<String> lines = out.lines().toList();
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"error\",\"in_reply_to\":5,\"msg_id\":1,\"code\":10,"
            + "\"text\":\"unsupported message type \\\"echo\\\"\"}}",
        lines.get(1));
    assertEquals(
        "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"generate_ok\",\"in_reply_to\":6,\"msg_id\":2,\"id\":\"n1-0\"}}",
        lines.get(2));
  }

  @Test
  void bodyWithoutStringType_isMalformedRequest() {
    String out =
        run(INIT + "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":3,\"msg_id\":5}}\n");
    assertTrue(
        out.contains("{\"type\":\"error\",\"in_reply_to\":5,\"msg_id\":1,\"code\":12,"), out);
  }

  @Test
  void badLines_areReportedOnStderrAndSkipped_andTheNodeKeepsServing() {
    String junk =
        "\n"
            + "not json\n"
            + "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"generate\"\n"
            + "[1,2,3]\n"
            + "{\"src\":\"c1\",\"body\":{}}\n"
            + "\u0000\u00ff\n";
    StringBuilder log = new StringBuilder();
    String out =
        run(
            new ByteArrayInputStream((INIT + junk + generate(9)).getBytes(StandardCharsets.UTF_8)),
            log);
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    assertTrue(lines.get(1).contains("\"in_reply_to\":9,\"msg_id\":1,\"id\":\"n1-0\""), out);
    assertEquals(
        6,
        log.toString().lines().filter(l -> l.contains("skipped input line")).count(),
        log.toString());
    assertTrue(log.toString().contains("not json"), log.toString());
  }

  @Test
  void lineOfSeveralMegabytes_isSkippedWithoutBufferingIt_andNextLineServed() {
    byte[] huge = new byte[5 << 20];
    java.util.Arrays.fill(huge, (byte) 'x');
    InputStream in =
        new java.io.SequenceInputStream(
            java.util.Collections.enumeration(
                List.of(
                    new ByteArrayInputStream(INIT.getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayInputStream(huge),
                    new ByteArrayInputStream(
                        ("\n" + generate(3)).getBytes(StandardCharsets.UTF_8)))));
    StringBuilder log = new StringBuilder();
    String out = run(in, log);
    assertTrue(out.lines().toList().get(1).contains("\"in_reply_to\":3,"), out);
    assertTrue(log.toString().contains("(" + (5 << 20) + " bytes)"), log.toString());
  }

  @Test
  void lastLineWithoutNewline_isStillAnswered() {
    String out = run(INIT + generate(2).strip());
    assertEquals(2, out.lines().count());
  }

  @Test
  void hugeAndPreciseNumbers_andNonAsciiStrings_roundTrip() {
    String out =
        run(
            "{\"src\":\"c\\u00e9\\\"\",\"dest\":\"n\u00fc\",\"body\":{\"type\":\"init\",\"msg_id\":9007199254740993,"
                + "\"node_id\":\"n\u00fc\",\"node_ids\":[\"n\u00fc\"]}}\n"
                + "{\"src\":\"c\u00e9\\\"\",\"dest\":\"n\u00fc\",\"body\":{\"type\":\"generate\",\"msg_id\":123456789012345678901234567890}}\n");
    assertEquals(
        "{\"src\":\"n\u00fc\",\"dest\":\"c\u00e9\\\"\",\"body\":{\"type\":\"init_ok\",\"in_reply_to\":9007199254740993,\"msg_id\":0}}\n"
            + "{\"src\":\"n\u00fc\",\"dest\":\"c\u00e9\\\"\",\"body\":{\"type\":\"generate_ok\","
            + "\"in_reply_to\":123456789012345678901234567890,\"msg_id\":1,\"id\":\"n\u00fc-0\"}}\n",
        out);
  }

  @Test
  void reinit_withSameId_isAcknowledged_withOtherId_isRefused() {
    String other =
        INIT.replace("\"node_id\":\"n1\"", "\"node_id\":\"n2\"")
            .replace("[\"n1\"]", "[\"n1\",\"n2\"]");
    List<String> lines = run(INIT + INIT + other + generate(7)).lines().toList();
    assertTrue(lines.get(1).contains("\"type\":\"init_ok\""), lines.get(1));
    assertTrue(lines.get(2).contains("\"code\":14"), lines.get(2));
    assertTrue(lines.get(3).contains("\"id\":\"n1-0\""), lines.get(3));
  }

  @Test
  void unusableStateDir_isReportedAtStartUp_andInitFailsWithoutIssuingIds(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
    java.nio.file.Path notADir =
        java.nio.file.Files.writeString(tmp.resolve("state"), "a file, not a directory");
    NodeConfig config =
        NodeConfig.defaults().with(new NodeConfig.Overrides(null, notADir, null, null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    byte[] in = (INIT + generate(2)).getBytes(StandardCharsets.UTF_8);
    new Node(
            config,
            new ByteArrayInputStream(in),
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(
        lines.get(0).contains("\"type\":\"error\",\"in_reply_to\":1,\"msg_id\":0,\"code\":14"),
        lines.get(0));
    assertTrue(lines.get(0).contains(notADir.toString()), lines.get(0));
    assertTrue(lines.get(1).contains("\"code\":11"), lines.get(1));
    String log = err.toString(StandardCharsets.UTF_8);
    assertTrue(log.lines().findFirst().orElse("").contains("scheme counter"), log);
    assertTrue(log.contains("durable state unusable, init will fail"), log);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64})
  void partialReads_giveTheSameOutput(int chunk) {
    StringBuilder in = new StringBuilder(INIT);
    for (int k = 0; k < 500; k++) {
      in.append(k % 50 == 0 ? "junk\n" : generate(k + 2));
    }
    byte[] bytes = in.toString().getBytes(StandardCharsets.UTF_8);
    String whole = run(new ByteArrayInputStream(bytes), null);
    String throttled = run(new ThrottledInputStream(new ByteArrayInputStream(bytes), chunk), null);
    assertEquals(whole, throttled);
  }

  @Test
  void manyRequests_getUniqueIdsAndValidEnvelopes() throws IOException {
    StringBuilder in = new StringBuilder(INIT);
    for (int k = 0; k < 20_000; k++) {
      in.append(generate(k + 2));
    }
    Set<String> ids = new HashSet<>();
    for (String line : run(in.toString()).lines().skip(1).toList()) {
      Matcher m = Pattern.compile("\"id\":(\"[^\"]+\")").matcher(line);
      assertTrue(m.find(), line);
      assertTrue(ids.add(m.group(1)), "duplicate " + m.group(1));
      assertEnvelope(line);
    }
    assertEquals(20_000, ids.size());
  }

  @Test
  void burstOfBufferedRequests_leavesInFewWrites() {
    StringBuilder in = new StringBuilder(INIT);
    for (int k = 0; k < 1000; k++) {
      in.append(generate(k + 2));
    }
    CountingOutputStream out = new CountingOutputStream();
    new Node(
            NodeConfig.defaults(),
            new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)),
            out,
            new PrintStream(new ByteArrayOutputStream()))
        .run();
    assertEquals(1001, out.lines);
    assertTrue(out.writes <= 3, "writes: " + out.writes);
  }

  @Test
  @Timeout(10)
  void reply_isWrittenBeforeTheNodeWaitsForMoreInput() throws Exception {
    BlockingInputStream in = new BlockingInputStream();
    CountingOutputStream out = new CountingOutputStream();
    Thread t =
        new Thread(
            () ->
                new Node(
                        NodeConfig.defaults(),
                        in,
                        out,
                        new PrintStream(new ByteArrayOutputStream()))
                    .run());
    t.start();
    in.feed(INIT);
    awaitLines(out, 1);
    in.feed(generate(2));
    awaitLines(out, 2);
    in.close();
    t.join();
  }

  private static void awaitLines(CountingOutputStream out, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (out.flushedLines() < n) {
      assertTrue(
          System.nanoTime() < deadline,
          "reply held back: " + out.flushedLines() + " lines flushed");
      Thread.sleep(5);
    }
  }

  static void assertEnvelope(String line) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(line)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      List<String> keys = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        keys.add(p.currentName());
        JsonToken v = p.nextToken();
        if (!keys.get(keys.size() - 1).equals("body")) {
          assertEquals(JsonToken.VALUE_STRING, v, line);
        } else {
          assertEquals(JsonToken.START_OBJECT, v, line);
          p.skipChildren();
        }
      }
      assertEquals(List.of("src", "dest", "body"), keys);
      assertEquals(null, p.nextToken());
    }
  }

  /** Returns at most {@code chunk} bytes per read, as pipes do under load. */
  static final class ThrottledInputStream extends FilterInputStream {
    private final int chunk;

    ThrottledInputStream(InputStream in, int chunk) {
      super(in);
      this.chunk = chunk;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, chunk));
    }

    @Override
    public int available() {
      return 0; // as if every read might block
    }
  }

  /** Blocks in read until fed, like stdin from a live peer. */
  static final class BlockingInputStream extends InputStream {
    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int pos;

    void feed(String s) {
      chunks.add(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      chunks.add(new byte[0]);
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos == current.length) {
        try {
          current = chunks.take();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        pos = 0;
        if (current.length == 0) {
          return -1;
        }
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return current.length - pos;
    }
  }

  /** Counts write calls and the lines that have been flushed. */
  static final class CountingOutputStream extends OutputStream {
    int writes;
    int lines;
    private volatile int flushed;

    @Override
    public void write(int b) {
      writes++;
      lines += b == '\n' ? 1 : 0;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes++;
      for (int k = off; k < off + len; k++) {
        lines += b[k] == '\n' ? 1 : 0;
      }
    }

    @Override
    public void flush() {
      flushed = lines;
    }

    int flushedLines() {
      return flushed;
    }
  }

  @Test
  void assertEnvelope_rejectsExtraKeys() {
    assertNotNull(
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class,
            () -> assertEnvelope("{\"src\":\"a\",\"dest\":\"b\",\"body\":{},\"x\":1}")));
  }
}
