package dev.idmint.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@code bin/idmint} as a real process, the way Maelstrom does. */
final class Launcher {
  static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();
  static final Path BIN = ROOT.resolve("bin/idmint");

  private Launcher() {}

  static Process start(Path bin, Path cwd, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static Process start(Map<String, String> env, String... args) throws IOException {
    return start(BIN, ROOT, env, args);
  }
}
