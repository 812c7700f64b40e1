package dev.idmint.harness;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where libfaketime is installed, which the clock fault needs. */
public final class Faketime {
  private Faketime() {}

  private static final List<String> LIB_DIRS =
      List.of("/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64", "/lib", "/lib64");

  /**
   * libfaketime's path, or null: {@code <dir>/faketime/} or {@code <dir>/<multiarch>/faketime/}.
   */
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
}
