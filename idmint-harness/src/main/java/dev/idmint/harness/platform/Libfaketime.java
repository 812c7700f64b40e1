package dev.idmint.harness.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Per-node wall clocks through libfaketime. Each node starts with {@code LD_PRELOAD=libfaketime}
 * and reads its offset from a timestamp file of its own; the clock nemesis rewrites that file.
 */
public final class Libfaketime {
  private Libfaketime() {}

  public static final String MISSING =
      "libfaketime is not installed (Debian/Ubuntu: apt-get install faketime)";

  /**
   * Adds what a node needs to run under libfaketime with its offset read from {@code file}.
   *
   * <p>The file is read on every time call (no cache), so a jump shows at once. Only the wall clock
   * is faked: a faked monotonic clock and libfaketime's monotonic "fix" for condition variables
   * make JVMs hang or oversleep, and faked file times would confuse class-data-sharing checks.
   */
  public static void addEnvironment(Map<String, String> env, Path lib, Path file) {
    String preload = env.get("LD_PRELOAD");
    env.put(
        "LD_PRELOAD", preload == null || preload.isBlank() ? lib.toString() : lib + ":" + preload);
    env.put("FAKETIME_TIMESTAMP_FILE", file.toString());
    env.put("FAKETIME_NO_CACHE", "1");
    env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    env.put("DONT_FAKE_MONOTONIC", "1"); // the name before libfaketime 0.9.9
    env.put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
    env.put("NO_FAKE_STAT", "1");
  }

  /**
   * Why libfaketime cannot move {@code exe}'s clock, or null if it can as far as we can tell: a
   * statically linked program ignores LD_PRELOAD, and Go reads the clock through the vDSO rather
   * than libc even when linked dynamically.
   */
  public static String cannotReach(Path exe) {
    byte[] b;
    try {
      b = Files.readAllBytes(exe);
    } catch (IOException | OutOfMemoryError e) {
      return null;
    }
    if (b.length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
      return null; // a script: its interpreter is what runs, and is usually dynamic
    }
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(b);
    h.order(b[5] == 2 ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
    boolean wide = b[4] == 2;
    long phoff = wide ? h.getLong(0x20) : h.getInt(0x1C) & 0xffffffffL;
    int phentsize = h.getShort(wide ? 0x36 : 0x2A) & 0xffff;
    int phnum = h.getShort(wide ? 0x38 : 0x2C) & 0xffff;
    boolean dynamic = false;
    for (int i = 0; i < phnum; i++) {
      long at = phoff + (long) i * phentsize;
      if (at + 4 <= b.length && h.getInt((int) at) == 3) { // PT_INTERP: loaded by ld.so
        dynamic = true;
      }
    }
    if (!dynamic) {
      return "it is statically linked, so LD_PRELOAD cannot reach it";
    }
    byte[] go = "\u00ff Go buildinf:".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + go.length <= b.length; i++) {
      for (int j = 0; j < go.length; j++) {
        if (b[i + j] != go[j]) {
          continue outer;
        }
      }
      return "it is a Go program, and Go reads the clock without libc";
    }
    return null;
  }

  /** libfaketime's relative-offset syntax: signed seconds with a fraction, e.g. {@code -0.005}. */
  static String spec(long offsetMillis) {
    long abs = Math.abs(offsetMillis);
    return (offsetMillis < 0 ? "-" : "+") + (abs / 1000) + "." + String.format("%03d", abs % 1000);
  }

  /** Sets the offset in {@code file}, atomically so a node never reads half a line. */
  public static void write(Path file, long offsetMillis) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, spec(offsetMillis) + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
