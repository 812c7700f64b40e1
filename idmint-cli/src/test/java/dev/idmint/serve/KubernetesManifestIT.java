package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * What can be checked of deploy/kubernetes/idmint.yaml without a cluster: the container's arguments
 * and environment start a real {@code bin/idmint serve} as pod {@code idmint-2} would, with the
 * worker id from the pod-index label or, without one, from the host name, and the manifest holds
 * what a fleet needs.
 */
@Timeout(120)
class KubernetesManifestIT {
  private static final Path MANIFEST = ServeProcess.ROOT.resolve("deploy/kubernetes/idmint.yaml");

  private static String find(String yaml, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(yaml);
    assertTrue(m.find(), regex + " not in " + MANIFEST);
    return m.group(1);
  }

  /** The container's arguments, made to run here: loopback, a free port, a temporary state dir. */
  private static List<String> args(String yaml, Path stateDir) {
    List<String> args = new ArrayList<>();
    for (String a : find(yaml, "^\\s+args: \\[(.*)]$").split(",")) {
      args.add(a.trim().replaceAll("^\"|\"$", ""));
    }
    assertEquals("serve", args.get(0));
    String dir = args.get(args.indexOf("--state-dir") + 1);
    assertEquals("0.0.0.0", args.get(args.indexOf("--bind") + 1));
    String port = args.get(args.indexOf("--port") + 1);
    assertTrue(yaml.contains("containerPort: " + port), "the container port is " + port);
    assertTrue(yaml.contains("mountPath: " + dir + "}"), "the state volume is not mounted");
    args.set(args.indexOf("--bind") + 1, "127.0.0.1");
    args.set(args.indexOf("--port") + 1, "0");
    args.set(args.indexOf("--state-dir") + 1, stateDir.toString());
    return args;
  }

  @Test
  void pod2_takesWorkerTwoFromThePodIndexLabel_orElseFromItsHostName(@TempDir Path tmp)
      throws Exception {
    String yaml = Files.readString(MANIFEST);
    assertEquals("/readyz", find(yaml, "readinessProbe:\\s+httpGet: \\{path: (\\S+),"));
    assertTrue(Integer.parseInt(find(yaml, "^  replicas: ([0-9]+)$")) <= 1024);
    assertTrue(yaml.contains("kind: StatefulSet") && yaml.contains("volumeClaimTemplates:"));
    String statefulSet = find(yaml, "kind: StatefulSet\\nmetadata:\\n  name: (\\S+)");
    assertEquals(
        "metadata.labels['apps.kubernetes.io/pod-index']",
        find(
            yaml,
            "- name: IDMINT_WORKER_ID\\n\\s+valueFrom:\\n\\s+fieldRef: \\{fieldPath: \"(.*)\"}"));
    assertEquals(
        statefulSet,
        find(yaml, "\\{name: IDMINT_WORKER_ID_FROM_HOSTNAME, value: (\\S+)}"),
        "the host-name fallback must name the StatefulSet");
    assertFalse(String.join(" ", args(yaml, tmp)).contains("--worker-id"), "flags beat variables");

    Map<String, String> pod = new HashMap<>();
    pod.put("HOSTNAME", statefulSet + "-2");
    pod.put("IDMINT_WORKER_ID_FROM_HOSTNAME", statefulSet);
    pod.put("IDMINT_WORKER_ID", "2"); // the label's value, through the downward API
    ProcessBuilder pb = new ProcessBuilder(ServeProcess.BIN.toString());
    pb.command().addAll(args(yaml, tmp.resolve("state")));
    try (ServeProcess s = ServeProcess.start(pb, tmp.resolve("pod.log"), pod)) {
      assertTrue(s.stderr().contains("worker 2 (from IDMINT_WORKER_ID)"), s.stderr());
      assertEquals(200, s.get("/readyz").statusCode());
      assertEquals(200, s.get("/healthz").statusCode());
      assertTrue(s.get("/v1/info").body().contains("\"worker\":2,"));
    }
    pod.put("IDMINT_WORKER_ID", ""); // a cluster without the label: the host name decides
    pb = new ProcessBuilder(ServeProcess.BIN.toString());
    pb.command().addAll(args(yaml, tmp.resolve("state")));
    try (ServeProcess s = ServeProcess.start(pb, tmp.resolve("fallback.log"), pod)) {
      assertTrue(s.stderr().contains("worker 2 (from host name idmint-2)"), s.stderr());
    }
  }

  @Test
  void gracePeriod_coversTheShutdownDelayTheDrainAndTheLinger() throws Exception {
    assertGraceCovers(Files.readString(MANIFEST), 0, "");
  }

  /**
   * The manifest's grace period covers its shutdown delay (a few seconds at least), the drain, the
   * linger and {@code extraSeconds} more, named by {@code extra}.
   */
  static void assertGraceCovers(String yaml, long extraSeconds, String extra) {
    Matcher d =
        Pattern.compile("\\{name: IDMINT_SHUTDOWN_DELAY_MS, value: \"([0-9]+)\"}").matcher(yaml);
    Matcher g = Pattern.compile("terminationGracePeriodSeconds: ([0-9]+)").matcher(yaml);
    assertTrue(d.find() && g.find(), "no shutdown delay or grace period");
    long delayMs = Long.parseLong(d.group(1));
    assertTrue(delayMs >= 2000, "load balancers need a few seconds to notice: " + delayMs);
    long grace = Long.parseLong(g.group(1));
    long drain = ServeConfig.Limits.defaults().drainTimeout().toSeconds();
    long linger = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(RequestTimer.LINGER_NANOS);
    assertTrue(
        grace > delayMs / 1000 + drain + linger + extraSeconds,
        "grace "
            + grace
            + " s <= delay "
            + delayMs
            + " ms + drain "
            + drain
            + " s + linger"
            + extra);
  }
}
