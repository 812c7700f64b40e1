package dev.idmint.harness.http;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.platform.Ports;
import dev.idmint.harness.registry.Etcd;
import dev.idmint.harness.registry.Holdings;
import dev.idmint.harness.registry.Sampler;
import dev.idmint.harness.run.Clients;
import dev.idmint.harness.run.Effect;
import dev.idmint.harness.run.FaultAction;
import dev.idmint.harness.run.ProcessKind;
import dev.idmint.harness.run.Transport;
import dev.idmint.harness.run.TransportStats;
import dev.idmint.harness.text.Text;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP ID services as the harness reaches them ({@code idmint test --http}). Each instance listens
 * on a loopback port of its own behind a {@link Proxy} the harness owns, through which the nemesis
 * cuts clients off and resets connections; with {@code --lb haproxy}, HAProxy balances over the
 * proxies. A request is {@code POST /v1/ids?count=1}; a service is up once {@code GET /readyz}
 * answers 200.
 */
public final class HttpTransport implements Transport {
  /** The fraction of requests whose connection the loss fault resets. */
  static final double LOSS = 0.2;

  private final Config config;
  private final Path runDir;
  private final Console console;

  /**
   * Reads the responses and runs the proxies: one thread measured cheaper than one each (less
   * switching on a busy machine) and as fast.
   */
  private final EventLoop loop;

  private final HttpInstances instances;
  private final HttpClients clients;
  private final List<String> ids;
  private Proxy[] proxies = new Proxy[0];
  private InetSocketAddress[] proxyAddresses = new InetSocketAddress[0];
  private Haproxy haproxy;

  /** With {@code --registry}: etcd, each instance's proxies to it, and who held which worker. */
  private Etcd etcd;

  private EtcdProxies etcdProxies;
  private Sampler sampler;
  private volatile boolean stopping;

  public HttpTransport(Config config, Path runDir, Console console) throws IOException {
    this.config = config;
    this.runDir = runDir;
    this.console = console;
    this.ids = config.nodeIds();
    this.loop = new EventLoop("http", console);
    this.instances = new HttpInstances(config.command(), runDir, config.registry());
    this.clients = new HttpClients(loop, ids, config.http().lb(), console);
  }

  @Override
  public ProcessKind processes() {
    return instances;
  }

  @Override
  public Clients clients() {
    return clients;
  }

  @Override
  public FaultAction partition() {
    return new Cut();
  }

  @Override
  public FaultAction loss() {
    return new Reset();
  }

  /**
   * The registry fault: etcd members killed, instances cut off from etcd; null without {@code
   * --registry}.
   */
  @Override
  public FaultAction registry() {
    return etcd == null ? null : new RegistryFault(etcd, etcdProxies, ids);
  }

  /** With {@code --registry}, who held which worker over the run, once it is over; else null. */
  public Holdings holdings() {
    return sampler == null ? null : sampler.stop();
  }

  /**
   * Opens a proxy in front of each instance, its loss and latency drawn from the seed; with {@code
   * --registry}, starts etcd first, and the proxies between the instances and etcd.
   */
  @Override
  public void start() throws IOException {
    Config.Registry registry = config.registry();
    if (registry != null) {
      etcd = Etcd.start(registry, runDir, console);
      etcdProxies = new EtcdProxies(etcd, ids, loop);
      String[] urls = new String[ids.size()];
      int[] ports = new int[ids.size()];
      for (int i = 0; i < urls.length; i++) {
        urls[i] = etcdProxies.url(i);
        ports[i] = instances.port(i);
      }
      instances.registryUrls(urls);
      sampler = Sampler.start(etcd, registry, ids, ports);
    }
    proxies = new Proxy[ids.size()];
    proxyAddresses = new InetSocketAddress[ids.size()];
    for (int i = 0; i < proxies.length; i++) {
      proxies[i] =
          new Proxy(
              i,
              ids.get(i),
              instances.port(i),
              loop,
              Seeds.sender(config.seed(), i),
              config.latencyDist(),
              config.latencyMs());
      proxyAddresses[i] = new InetSocketAddress("127.0.0.1", proxies[i].port);
    }
    clients.connectTo(proxyAddresses, null);
  }

  /**
   * With {@code --registry}, waits until as many instances are ready as there are workers for; with
   * {@code --lb haproxy}, starts HAProxy over the proxies once the instances are up.
   */
  @Override
  public void instancesUp() throws IOException {
    if (config.registry() != null) {
      instances.awaitReady(
          Math.min(ids.size(), config.registry().workers()), config.registry().ttlMs(), console);
    }
    if (!config.http().lb()) {
      return;
    }
    List<Integer> backends = new ArrayList<>();
    for (Proxy p : proxies) {
      backends.add(p.port);
    }
    haproxy =
        new Haproxy(
            config.http().haproxy(),
            config.http().haproxyConfig(),
            runDir,
            Ports.free(),
            ids,
            backends,
            console);
    clients.connectTo(proxyAddresses, new InetSocketAddress("127.0.0.1", haproxy.port()));
  }

  @Override
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    instances.stop();
    if (sampler != null) {
      sampler.stop();
    }
    if (etcd != null) {
      etcd.stop();
      etcdProxies.close();
    }
    if (haproxy != null) {
      haproxy.stop();
    }
    for (Proxy p : proxies) {
      p.close();
    }
    loop.close();
  }

  @Override
  public TransportStats stats() {
    List<Proxy.Stats> px = new ArrayList<>();
    for (Proxy p : proxies) {
      px.add(p.stats());
    }
    return clients.stats(
        px,
        haproxy == null ? null : "127.0.0.1:" + haproxy.port(),
        haproxy == null ? null : haproxy.exitedEarly());
  }

  /** A partition: the targets' proxies stall or refuse their clients (or HAProxy). */
  private final class Cut implements FaultAction {
    @Override
    public Effect start(NemesisPlan.Event e) {
      boolean refuse = "refuse".equals(e.kind());
      List<String> cut = new ArrayList<>();
      for (int i : e.nodes()) {
        proxies[i].cut(refuse ? Proxy.Cut.REFUSE : Proxy.Cut.STALL);
        cut.add(ids.get(i));
      }
      String from = config.http().lb() ? "haproxy" : "their clients";
      return new Effect(
          JsonMap.of("spec", e.spec(), "kind", e.kind(), "cut", cut),
          "cut "
              + Text.join(cut)
              + " off from "
              + from
              + (refuse ? " (connections refused)" : " (connections stall)"),
          Text.join(cut) + (refuse ? " refused" : " stalled"));
    }

    @Override
    public Effect stop() {
      for (Proxy p : proxies) {
        p.cut(Proxy.Cut.NONE);
      }
      return new Effect("network-healed", "healed");
    }
  }

  /** Loss: the proxies reset the connections of a fifth of the requests. */
  private final class Reset implements FaultAction {
    @Override
    public Effect start(NemesisPlan.Event e) {
      return set(LOSS);
    }

    @Override
    public Effect stop() {
      return set(0);
    }

    private Effect set(double p) {
      for (Proxy x : proxies) {
        x.loss(p);
      }
      return new Effect(
          JsonMap.of("reset_fraction", p),
          p > 0
              ? "resetting the connections of "
                  + Math.round(p * 100)
                  + "% of requests (half before the instance sees them, half after)"
              : "stopped",
          Math.round(LOSS * 100) + "% reset");
    }
  }
}
