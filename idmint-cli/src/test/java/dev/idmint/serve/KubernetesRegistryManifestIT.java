package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.etcd.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of deploy/kubernetes/idmint-registry.yaml without a cluster: it is a
 * Deployment with no state volume, and its container's arguments and environment start a real
 * {@code bin/idmint serve} that leases its worker from a local etcd as a pod would, named by the
 * downward API; its grace period covers the delay, the drain, the linger and the release.
 */
@Timeout(120)
class KubernetesRegistryManifestIT {
  private static final Path MANIFEST =
      ServeProcess.ROOT.resolve("deploy/kubernetes/idmint-registry.yaml");

  private static String find(String yaml, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(yaml);
    assertTrue(m.find(), regex + " not in " + MANIFEST);
    return m.group(1);
  }

  @Test
  void deploymentPod_leasesAWorkerFromEtcd_underItsPodName(@TempDir Path tmp) throws Exception {
    String yaml = Files.readString(MANIFEST);
    assertTrue(yaml.contains("\nkind: Deployment\n"), "a Deployment");
    assertFalse(yaml.contains("kind: StatefulSet") || yaml.contains("volumeClaimTemplates"));
    assertEquals("/readyz", find(yaml, "readinessProbe:\\s+httpGet: \\{path: (\\S+),"));
    assertEquals(
        "metadata.name",
        find(
            yaml,
            "- name: IDMINT_INSTANCE\\n\\s+valueFrom:\\n\\s+fieldRef: \\{fieldPath: (\\S+)}"));
    String registry = find(yaml, "\\{name: IDMINT_REGISTRY, value: \"(etcd://[^\"]+)\"}");
    assertEquals(3, registry.split(",").length, "three etcd members: " + registry);
    List<String> args = new ArrayList<>();
    for (String a : find(yaml, "^\\s+args: \\[(.*)]$").split(",")) {
      args.add(a.trim().replaceAll("^\"|\"$", ""));
    }
    assertEquals("serve", args.get(0));
    assertFalse(args.contains("--state-dir") || args.contains("--worker-id"), args.toString());
    String port = args.get(args.indexOf("--port") + 1);
    assertTrue(yaml.contains("containerPort: " + port));
    args.set(args.indexOf("--bind") + 1, "127.0.0.1");
    args.set(args.indexOf("--port") + 1, "0");

    EtcdCluster.requireEtcd();
    try (EtcdCluster etcd = EtcdCluster.start(Files.createDirectories(tmp.resolve("etcd")), 1)) {
      Map<String, String> pod = new HashMap<>();
      pod.put("IDMINT_REGISTRY", etcd.url()); // the manifest's names resolve only in its cluster
      pod.put("IDMINT_FLEET", find(yaml, "\\{name: IDMINT_FLEET, value: (\\S+)}"));
      pod.put("IDMINT_INSTANCE", "idmint-6f7c9d4b8-x2lqk"); // what the downward API gives
      pod.put(
          "IDMINT_REGISTRY_TTL_MS",
          find(yaml, "\\{name: IDMINT_REGISTRY_TTL_MS, value: \"([0-9]+)\"}"));
      pod.put(
          "IDMINT_SHUTDOWN_DELAY_MS", "0"); // the manifest's 5 s is checked below, not waited for
      ProcessBuilder pb = new ProcessBuilder(ServeProcess.BIN.toString());
      pb.command().addAll(args);
      try (ServeProcess s = ServeProcess.start(pb, tmp.resolve("pod.log"), pod)) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (s.get("/readyz").statusCode() != 200) {
          assertTrue(System.nanoTime() < deadline, "never ready:\n" + s.stderr());
          Thread.sleep(50);
        }
        String info = s.get("/v1/info").body();
        assertTrue(info.contains("\"instance\":\"idmint-6f7c9d4b8-x2lqk\""), info);
        assertTrue(info.contains("\"worker_source\":\"registry\""), info);
        assertEquals(200, s.get("/v1/ids?count=3").statusCode());
        s.process.destroy(); // SIGTERM, as the kubelet sends
        assertEquals(0, s.waitFor(30), s.stderr());
        assertTrue(s.stderr().contains("registry: released worker"), s.stderr());
      }
    }
  }

  @Test
  void gracePeriod_coversTheShutdownDelayTheDrainTheLingerAndTheRelease() throws Exception {
    // The release: a transaction and a lease revoke, 5 s each at worst.
    KubernetesManifestIT.assertGraceCovers(Files.readString(MANIFEST), 2 * 5, " + release");
  }
}
