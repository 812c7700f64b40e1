package dev.idmint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.idmint.id.Scheme;
import dev.idmint.node.Node;
import dev.idmint.node.NodeConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Whatever bytes come in, nothing escapes the node's loop, every stdout line is a JSON envelope,
 * and the fast decoder means what jackson-core means. {@code mvn verify} fuzzes it for a few
 * seconds (JAZZER_FUZZ=1); otherwise it replays the seeds in NodeFuzzTestInputs.
 */
class NodeFuzzTest {
  private static final byte[] INIT =
      "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}}\n"
          .getBytes(StandardCharsets.UTF_8);
  private static final JsonFactory JSON = new JsonFactory();
  private static final Scheme[] SCHEMES = Scheme.values();

  @FuzzTest(maxDuration = "10s")
  void node_givenAnyBytes_answersOnlyWithEnvelopes(byte[] data) throws IOException {
    int start = 0;
    for (int k = 0; k <= data.length; k++) {
      if (k == data.length || data[k] == '\n') {
        byte[] line = java.util.Arrays.copyOfRange(data, start, k);
        DecoderEquivalenceTest.assertSameMeaning(line);
        start = k + 1;
      }
    }

    // Half the time the node is initialised first, so generate and friends get deep; the first
    // byte also picks the scheme.
    byte[] input = data.length > 0 && (data[0] & 1) == 0 ? concat(INIT, data) : data;
    Scheme scheme = data.length == 0 ? Scheme.COUNTER : SCHEMES[(data[0] >> 1 & 0xff) % 3];
    NodeConfig config =
        NodeConfig.defaults().with(new NodeConfig.Overrides(scheme, null, null, null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream err =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int code = new Node(config, new ByteArrayInputStream(input), out, err).run();
    assertEquals(0, code);
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n", -1)) {
      if (!line.isEmpty()) {
        assertEnvelope(line);
      }
    }
  }

  private static void assertEnvelope(String line) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
      assertEquals("src", p.nextFieldName(), line);
      assertEquals(JsonToken.VALUE_STRING, p.nextToken(), line);
      assertEquals("dest", p.nextFieldName(), line);
      assertEquals(JsonToken.VALUE_STRING, p.nextToken(), line);
      assertEquals("body", p.nextFieldName(), line);
      assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
      assertEquals("type", p.nextFieldName(), line);
      assertEquals(JsonToken.VALUE_STRING, p.nextToken(), line);
      p.skipChildren();
      while (p.nextToken() != JsonToken.END_OBJECT) {
        p.skipChildren();
      }
      assertEquals(JsonToken.END_OBJECT, p.nextToken(), line);
      assertEquals(null, p.nextToken(), line);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
