package dev.idmint.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced blocks that follow a {@code <!-- TEST: name -->} marker in a Markdown file, and
 * running what they show as a user would, from the checkout's root.
 */
final class DocBlocks {
  static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();

  private DocBlocks() {}

  /** The {@code count} fenced blocks after the marker, each without its fences. */
  static List<List<String>> after(String file, String marker, int count) throws IOException {
    List<String> lines = Files.readString(ROOT.resolve(file)).lines().toList();
    int at = lines.indexOf("<!-- " + marker + " -->");
    assertTrue(at >= 0, file + " has no block marked " + marker);
    List<List<String>> blocks = new ArrayList<>();
    for (int i = at + 1; blocks.size() < count; i++) {
      assertTrue(i < lines.size(), file + ": fewer than " + count + " blocks after " + marker);
      if (lines.get(i).startsWith("```")) {
        int close = i + 1;
        while (close < lines.size() && !lines.get(close).equals("```")) {
          close++;
        }
        assertTrue(close < lines.size(), file + ": a block after " + marker + " is not closed");
        blocks.add(lines.subList(i + 1, close));
        i = close;
      }
    }
    return blocks;
  }

  /** A shell block's commands: continued lines joined, {@code # comments} dropped. */
  static List<String> commands(List<String> block) {
    List<String> commands = new ArrayList<>();
    StringBuilder command = new StringBuilder();
    for (String line : block) {
      String code = line.replaceFirst("\\s+#\\s.*$", "");
      if (code.endsWith("\\")) {
        command.append(code, 0, code.length() - 1).append(' ');
        continue;
      }
      command.append(code.strip());
      commands.add(command.toString().replaceAll("\\s+", " ").strip());
      command.setLength(0);
    }
    return commands;
  }

  /** A line as shown, with every run of digits standing for any: the shape a real run must have. */
  static Pattern shape(String shown) {
    return shape(shown, "[0-9]+");
  }

  /** A line as shown, with every match of {@code variable} standing for any such text. */
  static Pattern shape(String shown, String variable) {
    StringBuilder re = new StringBuilder();
    Matcher m = Pattern.compile(variable).matcher(shown);
    int at = 0;
    while (m.find()) {
      re.append(Pattern.quote(shown.substring(at, m.start()))).append(variable);
      at = m.end();
    }
    return Pattern.compile(re.append(Pattern.quote(shown.substring(at))).toString());
  }

  /** The JSON keys of a line, in order: its structure, whatever the values. */
  static List<String> keys(String json) {
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("\"([a-z_]+)\":").matcher(json);
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  record Ran(int exit, String out, String err) {}

  /** Runs one command line with bash in the checkout's root, as a user would type it there. */
  static Ran run(Path tmp, String command, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Process p = start(pb, env);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("did not finish in 300 s: " + command);
    }
    return new Ran(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Starts in the root, with no IDMINT_ setting of the caller's but IDMINT_JAVA_OPTS. */
  static Process start(ProcessBuilder pb, Map<String, String> env) throws IOException {
    pb.directory(ROOT.toFile()).redirectInput(new java.io.File("/dev/null"));
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("IDMINT_") && !k.equals("IDMINT_JAVA_OPTS"));
    pb.environment().putAll(env);
    return pb.start();
  }

  static String awaitStartUpLine(Process p, Path log) throws Exception {
    return awaitLine(p, log, "idmint serve: listening on ");
  }

  /** The first line of the process's log that starts with {@code prefix}, within 60 s. */
  static String awaitLine(Process p, Path log, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      for (String line : text.lines().toList()) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            "exited " + p.exitValue() + " before \"" + prefix + "\":\n" + text);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no \"" + prefix + "\" within 60 s:\n" + Files.readString(log));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
