package dev.idmint.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real etcd cluster for tests: {@code members} {@code etcd} processes on 127.0.0.1, each with a
 * client and a peer port of its own and a data dir under {@code dir}. A member can be killed,
 * restarted on the same ports and data, paused and resumed; {@link #close()} kills every process by
 * its pid. Published in idmint-etcd's test-jar for the process tests in idmint-cli.
 */
public final class EtcdCluster implements AutoCloseable {
  /** The etcd binary: {@code $ETCD}, or {@code etcd} on the PATH. */
  public static final String ETCD = System.getenv().getOrDefault("ETCD", "etcd");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int[] clientPorts;
  private final int[] peerPorts;
  private final Process[] processes;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  private EtcdCluster(Path dir, int members) throws IOException {
    this.dir = dir;
    this.clientPorts = new int[members];
    this.peerPorts = new int[members];
    this.processes = new Process[members];
    this.token = "idmint-test-" + Long.toHexString(System.nanoTime());
    for (int i = 0; i < members; i++) {
      clientPorts[i] = Ports.free();
      peerPorts[i] = Ports.free();
    }
  }

  /**
   * Skips the calling test when etcd is missing, or fails it under {@code CI=true}, where {@code
   * .ci/run} installs it.
   */
  public static void requireEtcd() {
    boolean present = available();
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(
          "etcd is missing in CI; .ci/run should have installed it (apt-get install etcd-server)");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        present, "etcd is not installed (apt-get install etcd-server)");
  }

  /** Whether an etcd binary can be run here. */
  public static boolean available() {
    try {
      Process p =
          new ProcessBuilder(ETCD, "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts {@code members} members with data dirs under {@code dir}, and waits until every one is
   * healthy (it has a leader).
   */
  public static EtcdCluster start(Path dir, int members) throws IOException, InterruptedException {
    EtcdCluster c = new EtcdCluster(dir, members);
    try {
      for (int i = 0; i < members; i++) {
        c.launch(i, "new");
      }
      c.awaitHealthy();
      return c;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  public int size() {
    return processes.length;
  }

  /** Every member: {@code etcd://127.0.0.1:C0,127.0.0.1:C1,...}. */
  public String url() {
    List<String> members = new ArrayList<>();
    for (int port : clientPorts) {
      members.add("127.0.0.1:" + port);
    }
    return "etcd://" + String.join(",", members);
  }

  public int clientPort(int member) {
    return clientPorts[member];
  }

  public long pid(int member) {
    return processes[member].pid();
  }

  /** SIGKILLs the member and waits for it to exit. */
  public void kill(int member) throws InterruptedException {
    Process p = processes[member];
    p.destroyForcibly();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("etcd member " + member + " (pid " + p.pid() + ") lives on");
    }
  }

  /** Starts a killed member again on its ports and data, and waits until the cluster is healthy. */
  public void restart(int member) throws IOException, InterruptedException {
    if (processes[member].isAlive()) {
      throw new IllegalStateException("etcd member " + member + " is running");
    }
    launch(member, "existing");
    awaitHealthy();
  }

  /** SIGSTOP: the member holds its connections and answers nothing. */
  public void pause(int member) throws IOException, InterruptedException {
    signal(processes[member].pid(), "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume(int member) throws IOException, InterruptedException {
    signal(processes[member].pid(), "CONT");
  }

  /** Sends {@code kill -SIGNAL pid}: SIGSTOP and SIGCONT have no JDK API. */
  public static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }

  /** The member that is the leader now, or -1 if none says it is. */
  public int leader() throws InterruptedException {
    Pattern member = Pattern.compile("\"member_id\":\"([0-9]+)\"");
    Pattern leader = Pattern.compile("\"leader\":\"([0-9]+)\"");
    for (int i = 0; i < processes.length; i++) {
      if (!processes[i].isAlive()) {
        continue;
      }
      String body = post(i, "/v3/maintenance/status", "{}");
      if (body == null) {
        continue;
      }
      Matcher m = member.matcher(body);
      Matcher l = leader.matcher(body);
      if (m.find() && l.find() && m.group(1).equals(l.group(1))) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the member answers {@code /health} with a leader. */
  public boolean healthy(int member) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + clientPorts[member] + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"true\"");
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until every running member is healthy. */
  public void awaitHealthy() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (int i = 0; i < processes.length; i++) {
      while (!healthy(i)) {
        if (!processes[i].isAlive()) {
          throw new IllegalStateException(
              "etcd member " + i + " exited with " + processes[i].exitValue() + ": " + log(i));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "etcd member " + i + " not healthy within " + START_TIMEOUT + ": " + log(i));
        }
        Thread.sleep(50);
      }
    }
  }

  /** The end of the member's log, for failure messages. */
  public String log(int member) {
    try {
      String log = Files.readString(dir.resolve("m" + member + ".log"));
      return log.length() > 2000 ? "..." + log.substring(log.length() - 2000) : log;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills every member by its pid, and waits for each. */
  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      if (p != null) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void launch(int i, String state) throws IOException {
    List<String> peers = new ArrayList<>();
    for (int j = 0; j < processes.length; j++) {
      peers.add("m" + j + "=http://127.0.0.1:" + peerPorts[j]);
    }
    String client = "http://127.0.0.1:" + clientPorts[i];
    String peer = "http://127.0.0.1:" + peerPorts[i];
    ProcessBuilder pb =
        new ProcessBuilder(
            ETCD,
            "--name",
            "m" + i,
            "--data-dir",
            dir.resolve("m" + i).toString(),
            "--listen-client-urls",
            client,
            "--advertise-client-urls",
            client,
            "--listen-peer-urls",
            peer,
            "--initial-advertise-peer-urls",
            peer,
            "--initial-cluster",
            String.join(",", peers),
            "--initial-cluster-state",
            state,
            "--initial-cluster-token",
            token,
            "--logger",
            "zap",
            "--log-outputs",
            "stderr");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("m" + i + ".log").toFile()));
    processes[i] = pb.start();
  }

  private String post(int member, String path, String body) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPorts[member] + path))
                  .timeout(Duration.ofSeconds(2))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Loopback ports below the kernel's ephemeral range, so that no outgoing connection takes a
   * killed member's port before it restarts.
   */
  static final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {}

    static synchronized int free() throws IOException {
      int high = ephemeralLow();
      int low = Math.min(10_000, high / 2);
      ThreadLocalRandom r = ThreadLocalRandom.current();
      for (int attempt = 0; attempt < 200 && high - low > 100; attempt++) {
        int port = low + r.nextInt(high - low);
        if (!GIVEN.contains(port) && bindable(port)) {
          GIVEN.add(port);
          return port;
        }
      }
      throw new IOException("no free loopback port in " + low + "-" + high + " after 200 tries");
    }

    private static int ephemeralLow() {
      // Not Files.readString: procfs reports a size of 0.
      try (InputStream in =
          Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        return Integer.parseInt(
            new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+")[0]);
      } catch (IOException | RuntimeException e) {
        return 32768;
      }
    }

    private static boolean bindable(int port) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress("127.0.0.1", port), 1);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
