package dev.idmint.harness;

import dev.idmint.harness.platform.Console;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The store: a directory per run, named by its time as Jepsen names them, and {@code latest}. */
final class Store {
  private Store() {}

  private static final DateTimeFormatter DIR_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSZ");

  /**
   * {@code <store>/<time>}, as Jepsen names test directories; a suffix keeps concurrent runs apart.
   */
  static Path createRunDir(Path store) throws IOException {
    try {
      Files.createDirectories(store);
    } catch (IOException e) {
      throw new Harness.StoreException("--store " + store + ": cannot create it (" + e + ")");
    }
    String base = DIR_NAME.format(ZonedDateTime.now());
    for (int i = 0; ; i++) {
      Path dir = store.resolve(i == 0 ? base : base + "-" + i);
      try {
        return Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        // another run started in the same millisecond
      }
    }
  }

  /** Points {@code <store>/latest} at the run, replacing the old link atomically. */
  static void linkLatest(Path store, Path runDir, Console console) {
    Path tmp = store.resolve(".latest-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, runDir.getFileName());
      Files.move(
          tmp,
          store.resolve("latest"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | UnsupportedOperationException e) {
      console.println(
          "idmint test: could not update " + store.resolve("latest") + ": " + e.getMessage());
    }
  }

  /** A path as the user would type it: relative when it lies under the working directory. */
  static Path shown(Path dir) {
    Path cwd = Path.of("").toAbsolutePath();
    return dir.startsWith(cwd) && !dir.equals(cwd) ? cwd.relativize(dir) : dir;
  }
}
