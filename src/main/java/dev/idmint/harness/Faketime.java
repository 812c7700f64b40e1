package dev.idmint.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Per-node wall clocks through libfaketime. Each node starts with {@code LD_PRELOAD=libfaketime} and
 * reads its offset from a timestamp file of its own; the clock nemesis rewrites that file.
 */
public final class Faketime {
  private Faketime() {}

  static final String MISSING =
      "libfaketime is not installed (Debian/Ubuntu: apt-get install faketime)";

  private static final List<String> LIB_DIRS =
      List.of("/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64", "/lib", "/lib64");

  /** libfaketime's path, or null: {@code <dir>/faketime/} or {@code <dir>/<multiarch>/faketime/}. */
  public static Path find() {
    for (String d : LIB_DIRS) {
      Path dir = Path.of(d);
      Path direct = dir.resolve("faketime/libfaketime.so.1");
      if (Files.isRegularFile(direct)) {
        return direct;
      }
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> subs = Files.newDirectoryStream(dir)) {
        for (Path sub : subs) {
          Path lib = sub.resolve("faketime/libfaketime.so.1");
          if (Files.isRegularFile(lib)) {
            return lib;
          }
        }
      } catch (IOException e) {
        // unreadable directory: keep looking elsewhere
      }
    }
    return null;
  }

  /**
   * Adds what a node needs to run under libfaketime with its offset read from {@code file}.
   *
   * <p>The file is read on every time call (no cache), so a jump shows at once. Only the wall clock
   * is faked: a faked monotonic clock and libfaketime's monotonic "fix" for condition variables
   * make JVMs hang or oversleep, and faked file times would confuse class-data-sharing checks.
   */
  static void addEnvironment(Map<String, String> env, Path lib, Path file) {
    String preload = env.get("LD_PRELOAD");
    env.put("LD_PRELOAD", preload == null || preload.isBlank() ? lib.toString() : lib + ":" + preload);
    env.put("FAKETIME_TIMESTAMP_FILE", file.toString());
    env.put("FAKETIME_NO_CACHE", "1");
    env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    env.put("DONT_FAKE_MONOTONIC", "1"); // the name before libfaketime 0.9.9
    env.put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
    env.put("NO_FAKE_STAT", "1");
  }

  /** libfaketime's relative-offset syntax: signed seconds with a fraction, e.g. {@code -0.005}. */
  static String spec(long offsetMillis) {
    long abs = Math.abs(offsetMillis);
    return (offsetMillis < 0 ? "-" : "+") + (abs / 1000) + "." + String.format("%03d", abs % 1000);
  }

  /** Sets the offset in {@code file}, atomically so a node never reads half a line. */
  static void write(Path file, long offsetMillis) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, spec(offsetMillis) + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
