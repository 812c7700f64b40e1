package dev.idmint.harness.http;

import dev.idmint.harness.config.LatencyDist;
import dev.idmint.harness.registry.Etcd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code --registry}: a proxy between each instance and each etcd member, so that the registry
 * fault can cut one instance off from etcd while the others, and the harness, still reach it. An
 * instance is given its own proxies as its etcd members ({@code {registry}}).
 */
final class EtcdProxies {
  /** By instance, then member. */
  private final Proxy[][] proxies;

  EtcdProxies(Etcd etcd, List<String> instances, EventLoop loop) throws IOException {
    int members = etcd.names().size();
    proxies = new Proxy[instances.size()][members];
    for (int i = 0; i < proxies.length; i++) {
      for (int m = 0; m < members; m++) {
        // No loss and no latency: those faults are between clients and instances.
        proxies[i][m] =
            new Proxy(
                i,
                instances.get(i) + "-" + etcd.names().get(m),
                etcd.clientPort(m),
                loop,
                0,
                LatencyDist.CONSTANT,
                0);
      }
    }
  }

  /** Instance {@code i}'s etcd: {@code etcd://127.0.0.1:P0,127.0.0.1:P1,...}, its own proxies. */
  String url(int i) {
    List<String> hosts = new ArrayList<>();
    for (Proxy p : proxies[i]) {
      hosts.add("127.0.0.1:" + p.port);
    }
    return "etcd://" + String.join(",", hosts);
  }

  /** Cuts instance {@code i} off from every member, or heals it; returns once in effect. */
  void cut(int i, Proxy.Cut cut) {
    for (Proxy p : proxies[i]) {
      p.cut(cut);
    }
  }

  void healAll() {
    for (int i = 0; i < proxies.length; i++) {
      cut(i, Proxy.Cut.NONE);
    }
  }

  void close() {
    for (Proxy[] row : proxies) {
      for (Proxy p : row) {
        p.close();
      }
    }
  }
}
