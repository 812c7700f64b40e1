package dev.idmint.harness.http;

import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.Logs;
import dev.idmint.harness.platform.SetupFailure;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy in front of the instances' proxies, started from the project's {@code deploy/haproxy.cfg}
 * with its server lines replaced by the instances of the run. The only other change is a response
 * header naming the instance that answered, so that the harness can tell.
 */
final class Haproxy {
  private static final Pattern SERVERS =
      Pattern.compile("(?m)^([ \\t]*)# BEGIN servers[^\\n]*\\n(?s:.*?)^[ \\t]*# END servers");

  /** The environment variable the config binds its frontend to. */
  static final String BIND_VARIABLE = "IDMINT_LB_BIND";

  private final Process process;
  private final Path log;
  private final int port;
  private volatile boolean stopping;

  /** Its exit status if it exited while it should have been running. */
  private volatile Integer earlyExit;

  private volatile boolean started;

  /** Why HAProxy is not what the run needs: it exited, or never answered. */
  static final class Failure extends SetupFailure {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  /**
   * The config with the block between {@code # BEGIN servers} and {@code # END servers} replaced by
   * one server line per instance.
   *
   * @throws IllegalStateException if the config has no such block
   */
  static String fill(String config, List<String> names, List<Integer> ports) {
    Matcher m = SERVERS.matcher(config);
    if (!m.find()) {
      throw new IllegalStateException(
          "deploy/haproxy.cfg has no '# BEGIN servers' ... '# END servers' block to fill in");
    }
    String indent = m.group(1);
    StringBuilder block = new StringBuilder();
    block.append(indent).append("# BEGIN servers (filled in by idmint test)\n");
    block
        .append(indent)
        .append("http-response set-header ")
        .append(HttpResponse.INSTANCE_HEADER)
        .append(" %s\n");
    for (int i = 0; i < names.size(); i++) {
      block
          .append(indent)
          .append("server ")
          .append(names.get(i))
          .append(" 127.0.0.1:")
          .append(ports.get(i))
          .append('\n');
    }
    block.append(indent).append("# END servers");
    return config.substring(0, m.start()) + block + config.substring(m.end());
  }

  /**
   * Starts HAProxy on {@code port} and waits (up to 10 s) until a request through it is answered
   * 200 by an instance.
   *
   * @param backends the names and loopback ports of what it balances over
   * @throws Failure if it exits or never answers; the message ends with its log
   */
  Haproxy(
      Path exe,
      Path template,
      Path runDir,
      int port,
      List<String> names,
      List<Integer> backends,
      Console console)
      throws IOException {
    this.port = port;
    Path cfg = runDir.resolve("haproxy.cfg");
    Files.writeString(cfg, fill(Files.readString(template), names, backends));
    this.log = runDir.resolve("node-logs/haproxy.log");
    ProcessBuilder pb =
        new ProcessBuilder(exe.toString(), "-db", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put(BIND_VARIABLE, "127.0.0.1:" + port);
    process = pb.start();
    process
        .onExit()
        .thenRun(
            () -> {
              if (!stopping && started) { // at start-up the constructor says why
                earlyExit = process.exitValue();
                console.println(
                    "\nidmint test: haproxy exited on its own with status "
                        + process.exitValue()
                        + tail());
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String last = "it did not answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new Failure("haproxy exited with status " + process.exitValue() + tail());
      }
      try {
        int status = HttpGet.status(new InetSocketAddress("127.0.0.1", port), "/readyz");
        if (status == 200) {
          started = true;
          if (!process.isAlive()) { // died just now: its exit handler may have run already
            earlyExit = process.exitValue();
          }
          return;
        }
        last = "GET /readyz through it answered " + status;
      } catch (IOException e) {
        last = "GET /readyz through it failed: " + e.getMessage();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stop();
    throw new Failure("haproxy did not pass requests on within 10 s (" + last + ")" + tail());
  }

  int port() {
    return port;
  }

  /** Its exit status if it exited while it should have been running, else null. */
  Integer exitedEarly() {
    return earlyExit;
  }

  void stop() {
    stopping = true;
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String tail() {
    String t = Logs.tail(log);
    return t.isEmpty() ? "" : "; the end of its log (" + log + "):\n" + Text.indent(t);
  }
}
