package dev.idmint.harness.run;

import dev.idmint.harness.json.JsonMap;
import dev.idmint.harness.platform.Libfaketime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances' wall clocks, through libfaketime: each starts with a timestamp file of its own in
 * {@code <run>/clock/}, holding its offset, which the clock fault rewrites.
 */
final class Clocks {
  private final Path lib;
  private final List<String> ids;
  private final Path[] files;

  /** Offsets in ms; the nemesis's threads' alone, one at a time. */
  private final long[] offsets;

  /** Clocks for {@code ids} at true time, or none if {@code lib} (libfaketime) is null. */
  Clocks(Path lib, Path runDir, List<String> ids) throws IOException {
    this.lib = lib;
    this.ids = ids;
    this.files = new Path[ids.size()];
    this.offsets = new long[ids.size()];
    if (lib != null) {
      Path dir = Files.createDirectories(runDir.resolve("clock"));
      for (int i = 0; i < files.length; i++) {
        files[i] = dir.resolve(ids.get(i) + ".faketime");
        Libfaketime.write(files[i], 0);
      }
    }
  }

  /** Runs instance {@code i} under libfaketime, reading its own file; nothing without the fault. */
  void environment(int i, Map<String, String> env) {
    if (lib != null) {
      Libfaketime.addEnvironment(env, lib, files[i]);
    }
  }

  /**
   * Adds {@code deltas} (instance index to ms) to the clocks.
   *
   * @return each instance whose clock moved, to its delta and new offset in ms
   */
  Map<String, Object> shift(Map<Integer, Long> deltas) {
    Map<String, Object> moved = new LinkedHashMap<>();
    deltas.forEach((i, delta) -> move(i, delta, moved));
    return moved;
  }

  /** Sets every clock back to true time; returns what moved, as {@link #shift} does. */
  Map<String, Object> reset() {
    Map<String, Object> moved = new LinkedHashMap<>();
    for (int i = 0; i < offsets.length; i++) {
      move(i, -offsets[i], moved);
    }
    return moved;
  }

  private void move(int i, long delta, Map<String, Object> moved) {
    if (delta == 0) {
      return;
    }
    offsets[i] += delta;
    try {
      Libfaketime.write(files[i], offsets[i]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + files[i], e);
    }
    moved.put(ids.get(i), JsonMap.of("delta_ms", delta, "offset_ms", offsets[i]));
  }
}
