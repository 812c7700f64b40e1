package dev.idmint.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreTest {
  private static final Path CWD = Path.of("").toAbsolutePath();

  @Test
  void shown_runUnderWorkingDirectory_isRelative() {
    assertEquals(
        Path.of("store", "20261127T203814.286+0000"),
        Store.shown(CWD.resolve("store/20261127T203814.286+0000")));
  }

  @Test
  void shown_runElsewhere_staysAbsolute() {
    Path elsewhere = CWD.getRoot().resolve("idmint-elsewhere/store/run");
    assertEquals(elsewhere, Store.shown(elsewhere));
  }

  @Test
  void shown_workingDirectoryItself_staysAbsolute() {
    assertEquals(CWD, Store.shown(CWD));
  }
}
