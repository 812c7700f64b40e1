package dev.idmint.harness.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.Faketime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The clock fault's mechanics on a real JVM: the wall clock jumps, nothing else is disturbed. */
@Timeout(60)
class LibfaketimeIT {
  @TempDir Path dir;

  /** libfaketime, or the test is skipped; under {@code CI=true} (.ci/run installs it) it fails. */
  private static Path libfaketime() {
    Path lib = Faketime.find();
    if (lib == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("libfaketime is missing in CI; .ci/run installs it");
    }
    Assumptions.assumeTrue(lib != null, "libfaketime is not installed (apt-get install faketime)");
    return lib;
  }

  /** The probe, a single-file Java program, from the test resources. */
  private static String probe() throws Exception {
    Path p = Path.of(LibfaketimeIT.class.getResource("/clock_probe").toURI());
    p.toFile().setExecutable(true);
    return p.toString();
  }

  @Test
  void jvmUnderLibfaketime_seesWallClockJumps_whileMonotonicTimeAndSleepsStayReal()
      throws Exception {
    Path lib = libfaketime();
    Path file = dir.resolve("n0.faketime");
    Libfaketime.write(file, 0);
    ProcessBuilder pb = new ProcessBuilder(probe()).redirectError(ProcessBuilder.Redirect.INHERIT);
    Libfaketime.addEnvironment(pb.environment(), lib, file);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream();
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      long[] base = probe(in, out, "now");
      assertTrue(Math.abs(base[0] - System.currentTimeMillis()) < 2_000, "no offset yet");

      Libfaketime.write(file, -3_600_000);
      long[] back = probe(in, out, "now");
      long skew = back[0] - System.currentTimeMillis();
      assertTrue(Math.abs(skew + 3_600_000) < 2_000, "an hour back at once: " + skew);

      Libfaketime.write(file, 7_200_250);
      long[] fwd = probe(in, out, "now");
      skew = fwd[0] - System.currentTimeMillis();
      assertTrue(Math.abs(skew - 7_200_250) < 2_000, "two hours forward: " + skew);
      long monotonicMs = (fwd[1] - back[1]) / 1_000_000;
      assertTrue(monotonicMs >= 0 && monotonicMs < 5_000, "nanoTime is not faked: " + monotonicMs);

      long t = System.nanoTime();
      probe(in, out, "sleep");
      long sleptMs = (System.nanoTime() - t) / 1_000_000;
      assertTrue(
          sleptMs >= 450 && sleptMs < 2_000,
          "5 x 100 ms sleeps take about 500 ms, not longer: " + sleptMs);
    } finally {
      p.destroyForcibly();
    }
  }

  private static long[] probe(OutputStream in, BufferedReader out, String what) throws Exception {
    in.write((what + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    String[] f = out.readLine().trim().split(" ");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
  }
}
