package dev.idmint.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools some tests need: required in CI, where .ci/run installs them; optional locally.
 */
final class Tools {
  private Tools() {}

  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips the test locally, fails it in CI, when {@code tool} is missing. */
  static void require(boolean present, String tool, String install) {
    if (!present && ci()) {
      throw new AssertionError(
          tool + " is missing in CI; .ci/run should have installed it (" + install + ")");
    }
    Assumptions.assumeTrue(present, tool + " is not installed (" + install + ")");
  }

  static Path chromium() {
    for (String p :
        new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }
}
