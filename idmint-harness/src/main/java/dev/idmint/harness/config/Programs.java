package dev.idmint.harness.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finding programs: this project's node and service (through {@code IDMINT_HOME}), {@code --bin} as
 * Maelstrom resolves it (or on {@code PATH}), and HAProxy for {@code --lb haproxy}.
 */
final class Programs {
  private Programs() {}

  /** How {@code --lb haproxy} finds HAProxy: on PATH, or where Debian installs it. */
  static final List<String> SBIN_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  static final String HAPROXY_MISSING =
      "haproxy is not installed (Debian/Ubuntu: apt-get install haproxy)";

  /**
   * The HTTP mode's settings: with {@code --lb haproxy}, HAProxy (on PATH or in {@code sbin}) and
   * the project's config.
   */
  static Config.Http http(String lb, Map<String, String> env, List<String> sbin) {
    if (lb == null) {
      return new Config.Http(null, null);
    }
    if (!lb.trim().equalsIgnoreCase("haproxy")) {
      throw new IllegalArgumentException("--lb must be haproxy, got '" + lb + "'");
    }
    Path exe = findProgram("haproxy", env, sbin);
    if (exe == null) {
      throw new IllegalArgumentException(HAPROXY_MISSING + "; --lb haproxy needs it");
    }
    Path cfg = home(env, "--lb haproxy").resolve("deploy/haproxy.cfg");
    if (!Files.isRegularFile(cfg)) {
      throw new IllegalArgumentException("--lb haproxy: " + cfg + " is missing");
    }
    return new Config.Http(exe, cfg);
  }

  /** An executable on PATH or in {@code extra}, or null. */
  static Path findProgram(String name, Map<String, String> env, List<String> extra) {
    List<String> dirs = new ArrayList<>(List.of(env.getOrDefault("PATH", "").split(":")));
    dirs.addAll(extra);
    for (String dir : dirs) {
      Path p = dir.isEmpty() ? null : Path.of(dir, name);
      if (p != null && Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * This project's service, {@code bin/idmint serve}, on the instance's port with its index as
   * worker id and a state dir of its own.
   */
  static List<String> ownService(Map<String, String> env) {
    return List.of(
        ownNode(env).toString(),
        "serve",
        "--port",
        "{port}",
        "--worker-id",
        "{index}",
        "--state-dir",
        "{state}");
  }

  /**
   * This project's service leasing its worker from the registry: {@code bin/idmint serve} on the
   * instance's port, given the etcd members through its own proxies ({@code {registry}}), the
   * fleet, its node name as instance, the TTL and the range if given, and no worker id.
   */
  static List<String> ownService(Map<String, String> env, Config.Registry registry) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ownNode(env).toString(),
                "serve",
                "--port",
                "{port}",
                "--registry",
                "{registry}",
                "--fleet",
                registry.fleet(),
                "--instance",
                "{node}",
                "--registry-ttl-ms",
                Long.toString(registry.ttlMs())));
    if (registry.workerIds() != null) {
      cmd.addAll(List.of("--worker-ids", registry.workerIds()));
    }
    return cmd;
  }

  /** This project's directory, from {@code IDMINT_HOME}, which bin/idmint sets. */
  private static Path home(Map<String, String> env, String forWhat) {
    String home = env.get("IDMINT_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalArgumentException(
          "cannot find "
              + forWhat
              + ": IDMINT_HOME is not set (run through bin/idmint"
              + (forWhat.startsWith("this") ? ", or pass --bin)" : ")"));
    }
    return Path.of(home).toAbsolutePath().normalize();
  }

  static Path ownNode(Map<String, String> env) {
    Path p = home(env, "this project's node").resolve("bin/idmint");
    if (!Files.isExecutable(p)) {
      throw new IllegalArgumentException(
          "cannot find this project's node at " + p + " (pass --bin)");
    }
    return p;
  }

  /**
   * The executable as Maelstrom resolves it (a file relative to the working directory), or else
   * found on PATH, with a warning that Maelstrom would not find it there (none if {@code warnings}
   * is null: HTTP services have nothing to do with Maelstrom); arguments naming existing relative
   * files become absolute, since the nodes run in a directory of the run.
   */
  static List<String> resolveCommand(
      List<String> bin, Map<String, String> env, Path cwd, List<String> warnings) {
    String exe = bin.get(0);
    Path p = cwd.resolve(exe);
    boolean onPath = false;
    if (!Files.isRegularFile(p) && !exe.contains("/")) {
      for (String dir : env.getOrDefault("PATH", "").split(":")) {
        if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, exe))) {
          p = Path.of(dir, exe);
          onPath = true;
          break;
        }
      }
    }
    if (Files.isDirectory(p)) {
      throw new IllegalArgumentException("--bin " + exe + " is a directory, not a program");
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("--bin " + exe + ": no such file");
    }
    if (!Files.isExecutable(p)) {
      throw new IllegalArgumentException(
          "--bin " + exe + " is not executable (chmod +x it; a script also needs a #! line)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(p.toAbsolutePath().normalize().toString());
    List<String> madeAbsolute = new ArrayList<>();
    for (String a : bin.subList(1, bin.size())) {
      Path ap = a.isEmpty() || a.startsWith("-") ? null : Path.of(a);
      boolean relativeFile = ap != null && !ap.isAbsolute() && Files.exists(cwd.resolve(ap));
      cmd.add(relativeFile ? cwd.resolve(ap).toAbsolutePath().normalize().toString() : a);
      if (relativeFile) {
        madeAbsolute.add(a);
      }
    }
    if (onPath && warnings != null) {
      warnings.add(
          "--bin "
              + exe
              + " was found on PATH ("
              + p
              + "); Maelstrom resolves --bin as a path from its working directory and would not"
              + " find it"
              + (madeAbsolute.isEmpty()
                  ? ""
                  : ", and it starts nodes in its temp directory, where "
                      + String.join(" ", madeAbsolute)
                      + " does not resolve")
              + ": give Maelstrom an executable file, e.g. a script with a #! line");
    }
    return cmd;
  }
}
