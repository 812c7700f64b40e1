package dev.idmint;

import dev.idmint.harness.Faketime;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what a missing external tool means: the test is skipped locally and
 * fails under {@code CI=true}, where {@code .ci/run} installs every tool the tests need.
 */
public final class Tools {
  private Tools() {}

  public static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips the test locally, fails it in CI, when {@code tool} is missing. */
  public static void require(boolean present, String tool, String install) {
    if (!present && ci()) {
      throw new AssertionError(
          tool + " is missing in CI; .ci/run should have installed it (" + install + ")");
    }
    Assumptions.assumeTrue(present, tool + " is not installed (" + install + ")");
  }

  /** An executable on PATH, required as {@link #require} says. */
  public static Path command(String name, String install) {
    Path found = onPath(name);
    require(found != null, name, install);
    return found;
  }

  /** libfaketime's preload library, required as {@link #require} says. */
  public static Path libfaketime() {
    Path lib = Faketime.find();
    require(lib != null, "libfaketime", "apt-get install faketime");
    return lib;
  }

  /** A headless-capable Chromium, required as {@link #require} says. */
  public static Path chromium() {
    for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
      Path p = onPath(name);
      if (p != null) {
        return p;
      }
    }
    require(false, "chromium", "apt-get install chromium");
    return null;
  }

  private static Path onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
