package dev.idmint.harness.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for programs the harness starts and restarts (services, HAProxy). They are taken
 * below the kernel's ephemeral range, so that while an instance is down no outgoing connection can
 * be given its port, and its restart finds the port free.
 */
public final class Ports {
  private Ports() {}

  private static final Set<Integer> GIVEN = new HashSet<>();

  private static final String RANGE = "/proc/sys/net/ipv4/ip_local_port_range";

  /** The lowest port the kernel picks for outgoing connections (Linux: 32768 by default). */
  static int ephemeralLow() {
    // Not Files.readString: procfs reports a size of 0, and the JDK then reads a few bytes only.
    try (java.io.InputStream in = Files.newInputStream(Path.of(RANGE))) {
      String[] range =
          new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }

  /** A port free on 127.0.0.1 now, not given before in this run of the harness. */
  public static synchronized int free() throws IOException {
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
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      GIVEN.add(s.getLocalPort());
      return s.getLocalPort(); // the kernel's range is all there is
    }
  }

  /** Whether nothing holds the port, connections in TIME_WAIT included. */
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
