package dev.idmint.harness.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.config.Fault;
import dev.idmint.harness.plan.NemesisPlan;
import dev.idmint.harness.platform.Console;
import dev.idmint.harness.registry.Etcd;
import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.Effect;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry fault and the instances' view of etcd, against stand-in members ({@code fake_etcd}
 * answers {@code /health}): each instance reaches every member through proxies of its own, which
 * the fault cuts; a member it kills is restarted at the stop.
 */
@Timeout(60)
class RegistryFaultTest {
  @TempDir Path run;

  private final Console console = new Console(new PrintWriter(new StringWriter()), false);
  private EventLoop loop;
  private Etcd etcd;
  private EtcdProxies proxies;
  private Config.Registry registry;

  @BeforeEach
  void start() throws Exception {
    Path fake = Path.of(RegistryFaultTest.class.getResource("/fake_etcd").toURI());
    fake.toFile().setExecutable(true);
    registry = new Config.Registry(fake, "test", "0-1", 0, 1, 3000);
    loop = new EventLoop("test-etcd", console);
    etcd = Etcd.start(registry, run, console);
    proxies = new EtcdProxies(etcd, List.of("n0", "n1"), loop);
  }

  @AfterEach
  void stop() {
    proxies.close();
    etcd.stop();
    loop.close();
  }

  /** {@code GET /health} from member {@code m} through instance {@code i}'s proxy to it. */
  private int health(int i, int m) throws IOException {
    String hostPort = proxies.url(i).substring("etcd://".length()).split(",")[m];
    int port = Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
    return HttpGet.status(new InetSocketAddress("127.0.0.1", port), "/health");
  }

  private static NemesisPlan.Event start(String kind, Integer... nodes) {
    return new NemesisPlan.Event(
        0, Fault.REGISTRY, true, "one", null, List.of(nodes), null, kind, null);
  }

  @Test
  void cut_takesAnInstanceOffEveryMember_andNoOtherInstance() throws Exception {
    assertTrue(proxies.url(0).matches("etcd://(127\\.0\\.0\\.1:\\d+,){2}127\\.0\\.0\\.1:\\d+"));
    assertFalse(proxies.url(0).equals(proxies.url(1)), "each instance its own proxies");
    assertEquals(200, health(0, 2));
    RegistryFault fault = new RegistryFault(etcd, proxies, List.of("n0", "n1"));
    Effect e = fault.start(start("refuse", 0));
    assertEquals("cut n0 off from etcd (connections refused)", e.summary());
    for (int m = 0; m < 3; m++) {
      int member = m;
      assertThrows(IOException.class, () -> health(0, member));
      assertEquals(200, health(1, m));
    }
    assertEquals("healed", fault.stop().summary());
    assertEquals(200, health(0, 1));
  }

  @Test
  void member_isKilled_andRestartedAtTheStop() throws Exception {
    RegistryFault fault = new RegistryFault(etcd, proxies, List.of("n0", "n1"));
    Effect e = fault.start(start("member", 2));
    assertEquals("killed etcd member etcd2", e.summary());
    assertEquals(Map.of("kind", "member", "member", "etcd2", "killed", true), e.value());
    assertThrows(IOException.class, () -> health(1, 2), "through any instance's proxy");
    assertEquals(200, health(1, 0), "the others serve");
    assertEquals("healed; restarted etcd member etcd2", fault.stop().summary());
    assertEquals(200, health(0, 2));
  }

  @Test
  void instances_getTheirOwnEtcd_theFleet_andNoWorkerId() throws Exception {
    HttpInstances instances =
        new HttpInstances(
            List.of("/svc", "--etcd={registry}", "--name", "{node}", "--i", "{index}"),
            run,
            registry);
    ClusterNode[] nodes = {
      new ClusterNode(0, "n0", run.resolve("n0.log")),
      new ClusterNode(1, "n1", run.resolve("n1.log"))
    };
    instances.attach(nodes);
    instances.registryUrls(new String[] {proxies.url(0), proxies.url(1)});
    assertEquals(
        List.of("/svc", "--etcd=" + proxies.url(1), "--name", "n1", "--i", "1"),
        instances.command(nodes[1]));
    Map<String, String> env =
        new HashMap<>(Map.of("IDMINT_WORKER_ID", "9", "IDMINT_STATE_DIR", "/s"));
    instances.environment(nodes[1], env);
    assertFalse(env.containsKey("IDMINT_WORKER_ID"), "not even the harness's own");
    assertFalse(env.containsKey("IDMINT_STATE_DIR"), "serve refuses one with a registry");
    assertEquals(proxies.url(1), env.get("IDMINT_REGISTRY"));
    assertEquals("test", env.get("IDMINT_FLEET"));
    assertEquals("n1", env.get("IDMINT_INSTANCE"));
    assertEquals("0-1", env.get("IDMINT_WORKER_IDS"));
    assertEquals("3000", env.get("IDMINT_REGISTRY_TTL_MS"));

    HttpInstances fixed = new HttpInstances(List.of("/svc", "{registry}"), run, null);
    fixed.attach(nodes);
    assertEquals(List.of("/svc", "{registry}"), fixed.command(nodes[0]), "no registry: as given");
    Map<String, String> plain = new HashMap<>();
    fixed.environment(nodes[1], plain);
    assertEquals("1", plain.get("IDMINT_WORKER_ID"));
    assertEquals(run.resolve("state/n1").toString(), plain.get("IDMINT_STATE_DIR"));
    assertFalse(plain.containsKey("IDMINT_REGISTRY"));
  }
}
