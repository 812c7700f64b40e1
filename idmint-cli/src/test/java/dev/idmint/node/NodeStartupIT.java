package dev.idmint.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node's start-up path (launcher to first reply, library included) spins no method handles: no
 * lambda or method reference, stream, VarHandle or indy string concatenation. On a C1-only JVM each
 * of them costs milliseconds of bootstrap, and start-up is what Maelstrom and users wait for. The
 * JVM's class-load log shows them, whoever's code they come from.
 */
@Timeout(120)
class NodeStartupIT {
  /** What those features load that a plain JVM start-up never does. */
  static final Pattern SPUN =
      Pattern.compile(
          "\\$\\$Lambda|LambdaMetafactory|java\\.util\\.stream\\.|java\\.lang\\.invoke\\.VarHandles"
              + "|java\\.lang\\.invoke\\.VarHandle[A-Z][A-Za-z]*\\$|LambdaForm\\$[A-Z]+/"
              + "|StringConcatFactory\\$[A-Z]");

  @Test
  void sample_loadsNoLambdaStreamVarHandleOrConcatBootstrap(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("classes.log");
    NodeProcessIT.Run r =
        NodeProcessIT.run(
            Launcher.start(Map.of("IDMINT_JAVA_OPTS", classLog(log))), NodeProcessIT.sampleIn());
    assertArrayEquals(NodeProcessIT.sampleExpected(), r.stdout(), r.stderr());
    assertNothingSpun(log);
  }

  /**
   * Counter state written at start-up and read back on restart, and snowflake and HLC IDs without
   * state. (Their lease is an ISO-8601 instant, so durable snowflake and HLC generators use
   * java.time, which bootstraps lambdas of its own.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"counter", "snowflake", "hlc"})
  void otherConfigurations_loadNoneEither(String scheme, @TempDir Path tmp) throws Exception {
    byte[] in =
        (NodeTest.INIT + NodeTest.generate(2) + NodeTest.generate(3))
            .getBytes(StandardCharsets.UTF_8);
    List<String> events =
        scheme.equals("counter")
            ? List.of("state: created ", "state: resumed from ")
            : List.of("initialised as n1");
    for (String event : events) {
      Path log = tmp.resolve("classes.log");
      Map<String, String> env = new HashMap<>();
      env.put("IDMINT_SCHEME", scheme);
      env.put("IDMINT_JAVA_OPTS", classLog(log));
      if (scheme.equals("counter")) {
        env.put("IDMINT_STATE_DIR", tmp.resolve("state").toString());
      }
      NodeProcessIT.Run r = NodeProcessIT.run(Launcher.start(env), in);
      assertEquals(0, r.exit(), r.stderr());
      assertEquals(3, r.out().lines().count(), r.out() + r.stderr());
      assertTrue(r.stderr().contains("idmint node: " + event), r.stderr());
      assertNothingSpun(log);
    }
  }

  private static String classLog(Path file) {
    return "-Xlog:class+load=info:file=" + file;
  }

  /** Checks the log up to shutdown: newer JDKs set up logging in System.exit, whoever calls it. */
  private static void assertNothingSpun(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.size() > 300, "class-load log too short: " + lines.size() + " lines");
    List<String> spun = new ArrayList<>();
    for (String line : lines) {
      if (line.contains(" java.lang.Shutdown ")) {
        break;
      }
      if (SPUN.matcher(line).find()) {
        spun.add(line);
      }
    }
    assertEquals(List.of(), spun, "on the node's start-up path");
  }
}
