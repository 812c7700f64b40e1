package dev.idmint.harness.platform;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** The logs of the programs the harness starts: nodes, services, HAProxy. */
public final class Logs {
  private Logs() {}

  /** The last lines of a log, at most ten and 2 KiB; empty if there is none. */
  public static String tail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 2048);
      byte[] b = new byte[n];
      f.seek(len - n);
      f.readFully(b);
      String s = new String(b, StandardCharsets.UTF_8).strip();
      String[] lines = s.split("\n");
      int from = Math.max(lines.length - 10, n < len ? 1 : 0); // a cut first line is dropped
      return String.join(
          "\n", Arrays.asList(lines).subList(Math.min(from, lines.length), lines.length));
    } catch (IOException e) {
      return "";
    }
  }
}
