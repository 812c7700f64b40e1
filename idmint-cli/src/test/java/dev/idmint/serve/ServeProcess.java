package dev.idmint.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code bin/idmint serve} process on a free loopback port ({@code --port 0}, read back from
 * its start-up line), with its stderr in a file so that a full pipe can never stall it.
 */
final class ServeProcess implements AutoCloseable {
  static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();
  static final Path BIN = ROOT.resolve("bin/idmint");
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final Pattern LISTENING =
      Pattern.compile("idmint serve: listening on http://([0-9.]+):([0-9]+) ");

  final Process process;
  final Path log;
  final InetSocketAddress address;

  private ServeProcess(Process process, Path log, InetSocketAddress address) {
    this.process = process;
    this.log = log;
    this.address = address;
  }

  /**
   * The command line {@code bin/idmint serve --port 0 ARGS} ({@code --port 0} unless ARGS name a
   * port), for {@link #start} and others.
   */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(BIN.toString(), "serve"));
    if (!List.of(args).contains("--port")) {
      cmd.addAll(List.of("--port", "0"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts serve and waits for its start-up line; fails with its stderr if it exits first. */
  static ServeProcess start(Path log, Map<String, String> env, String... args) throws IOException {
    return start(new ProcessBuilder(command(args)), log, env);
  }

  static ServeProcess start(ProcessBuilder pb, Path log, Map<String, String> env)
      throws IOException {
    Process p = launch(pb, log, env);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(read(log));
      if (m.find()) {
        return new ServeProcess(
            p, log, new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
      }
      if (!p.isAlive()) {
        throw new AssertionError("serve exited " + p.exitValue() + " at start-up:\n" + read(log));
      }
      sleep(10);
    }
    p.destroyForcibly();
    throw new AssertionError("no start-up line within 60 s:\n" + read(log));
  }

  /** Starts a process that is expected to fail; returns it without waiting for anything. */
  static Process launch(ProcessBuilder pb, Path log, Map<String, String> env) throws IOException {
    pb.directory(ROOT.toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("IDMINT_") && !k.equals("IDMINT_JAVA_OPTS"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(false);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + address.getPort() + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) throws IOException {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET(), headers);
  }

  HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws IOException {
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return HTTP.send(
          b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  String stderr() {
    return read(log);
  }

  /** Waits for the process to exit and returns its status. */
  int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("serve still running after " + seconds + " s:\n" + stderr());
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crash or the kill nemesis does; bin/idmint execs java, so this is the JVM. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs {@code promtool check metrics} on {@code metrics}: it must pass with no lint finding. */
  static void checkWithPromtool(String metrics, Path dir) throws IOException, InterruptedException {
    Path promtool = dev.idmint.Tools.command("promtool", "apt-get install prometheus");
    Path file = Files.writeString(dir.resolve("metrics.txt"), metrics);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertEquals(
        0, p.waitFor(), "promtool check metrics:\n" + out + "\n" + metrics);
    org.junit.jupiter.api.Assertions.assertEquals("", out.trim(), "promtool's lint findings");
  }

  /**
   * The environment that runs serve under libfaketime, its wall clock offset as {@code offset}
   * says.
   */
  static Map<String, String> faketime(Path offset) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("LD_PRELOAD", dev.idmint.Tools.libfaketime().toString());
    env.put("FAKETIME_TIMESTAMP_FILE", offset.toString());
    env.put("FAKETIME_NO_CACHE", "1"); // re-read the offset on every clock call
    env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1"); // the JVM's timers and Netty's stay sane
    env.put("DONT_FAKE_MONOTONIC", "1");
    env.put("FAKETIME_FORCE_MONOTONIC_FIX", "0"); // else the JVM's timed waits spin at full CPU
    env.put("NO_FAKE_STAT", "1"); // file times stay real for the launcher
    return env;
  }
}
