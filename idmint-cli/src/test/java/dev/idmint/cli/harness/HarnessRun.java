package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.Tools;
import dev.idmint.node.TestJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One {@code bin/idmint test} run as a user would start it, with what it printed and stored. */
final class HarnessRun {
  /** How the verdict line begins, in Maelstrom's words. */
  static final String VALID = "Everything looks good!";

  static final String INVALID = "Analysis invalid!";
  static final String UNKNOWN = "Errors occurred during analysis, but no anomalies found.";

  static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();
  static final Path BIN = ROOT.resolve("bin/idmint");
  static final Path FIXTURES = ROOT.resolve("idmint-cli/src/test/resources/fixtures");

  final int exit;
  final String stdout;
  final String stderr;
  final Path store;

  private HarnessRun(int exit, String stdout, String stderr, Path store) {
    this.exit = exit;
    this.stdout = stdout;
    this.stderr = stderr;
    this.store = store;
  }

  static String fixture(String name) {
    if (name.endsWith(".py")) {
      Tools.command("python3", "apt-get install python3"); // the fixtures' interpreter
    }
    return FIXTURES.resolve(name).toString();
  }

  /** Runs {@code idmint test --store <store> args...} and waits for it. */
  static HarnessRun run(Path store, Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(BIN.toString(), "test", "--store", store.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("idmint test did not finish in 120 s: " + cmd);
    }
    return new HarnessRun(p.exitValue(), out.get(), err.get(), store);
  }

  static HarnessRun run(Path store, String... args) throws Exception {
    return run(store, Map.of(), args);
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run's directory, through the {@code latest} link as a user would find it. */
  Path runDir() throws IOException {
    Path latest = store.resolve("latest");
    assertTrue(Files.isSymbolicLink(latest), "store/latest is a symlink\n" + this);
    return latest.toRealPath();
  }

  /**
   * A value in results.json, by keys and list indices; a number as a Long or a Double, a JSON null
   * as null.
   */
  Object result(Object... path) throws Exception {
    Object v = TestJson.parse(Files.readString(runDir().resolve("results.json")));
    for (Object k : path) {
      v = k instanceof Integer i ? ((List<?>) v).get(i) : ((Map<?, ?>) v).get(k);
    }
    if (v instanceof BigInteger b) {
      return b.longValueExact();
    } else if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    return v == TestJson.NULL ? null : v;
  }

  long count(Object... path) throws Exception {
    return ((Number) result(path)).longValue();
  }

  /** The last line on stdout: the verdict. */
  String verdict() {
    String[] lines = stdout.strip().split("\n");
    return lines[lines.length - 1];
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
