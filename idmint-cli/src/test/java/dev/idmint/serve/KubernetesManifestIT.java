package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of deploy/kubernetes/idmint.yaml without a cluster: the container's arguments
 * start a real {@code bin/idmint serve} that takes its worker id from a StatefulSet pod's host name
 * and answers the readiness probe, and the manifest holds what a fleet needs.
 */
@Timeout(120)
class KubernetesManifestIT {
  private static final Path MANIFEST = ServeProcess.ROOT.resolve("deploy/kubernetes/idmint.yaml");

  private static String find(String yaml, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(yaml);
    assertTrue(m.find(), regex + " not in " + MANIFEST);
    return m.group(1);
  }

  @Test
  void containerArguments_runAsPodIdmint2_workerTwo_ready(@TempDir Path tmp) throws Exception {
    String yaml = Files.readString(MANIFEST);
    List<String> args = new ArrayList<>();
    for (String a : find(yaml, "^\\s+args: \\[(.*)]$").split(",")) {
      args.add(a.trim().replaceAll("^\"|\"$", ""));
    }
    assertEquals("serve", args.get(0));
    assertTrue(args.contains("--worker-id-from-hostname"), args.toString());
    String stateDir = args.get(args.indexOf("--state-dir") + 1);
    assertEquals("0.0.0.0", args.get(args.indexOf("--bind") + 1));
    String port = args.get(args.indexOf("--port") + 1);
    assertTrue(yaml.contains("containerPort: " + port), "the container port is " + port);
    assertTrue(yaml.contains("mountPath: " + stateDir + "}"), "the state volume is not mounted");
    assertEquals("/readyz", find(yaml, "readinessProbe:\\s+httpGet: \\{path: (\\S+),"));
    assertTrue(Integer.parseInt(find(yaml, "^  replicas: ([0-9]+)$")) <= 1024);
    assertTrue(yaml.contains("kind: StatefulSet") && yaml.contains("volumeClaimTemplates:"));

    // The same arguments, but on loopback, a free port and a temporary state dir.
    args.set(args.indexOf("--bind") + 1, "127.0.0.1");
    args.set(args.indexOf("--port") + 1, "0");
    args.set(args.indexOf("--state-dir") + 1, tmp.resolve("state").toString());
    ProcessBuilder pb = new ProcessBuilder(ServeProcess.BIN.toString());
    pb.command().addAll(args);
    try (ServeProcess s =
        ServeProcess.start(pb, tmp.resolve("pod.log"), Map.of("HOSTNAME", "idmint-2"))) {
      assertTrue(s.stderr().contains("worker 2 (from host name idmint-2)"), s.stderr());
      assertEquals(200, s.get("/readyz").statusCode());
      assertEquals(200, s.get("/healthz").statusCode());
      assertTrue(s.get("/v1/info").body().contains("\"worker\":2,"));
    }
  }
}
