package dev.idmint.harness.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibfaketimeTest {
  @TempDir Path dir;

  @Test
  void cannotReach_aScript_isFine() throws Exception {
    assertNull(
        Libfaketime.cannotReach(
            Files.writeString(dir.resolve("node.py"), "#!/usr/bin/env python3\n")));
  }

  @Test
  void cannotReach_aDynamicallyLinkedProgram_isFine() {
    Path sh = Path.of("/bin/sh");
    Assumptions.assumeTrue(Files.isRegularFile(sh));
    assertNull(Libfaketime.cannotReach(sh));
  }

  @Test
  void cannotReach_aStaticallyLinkedProgram_saysLdPreloadCannotReachIt() throws Exception {
    byte[] elf = new byte[64]; // a 64-bit little-endian ELF header with no program headers
    elf[0] = 0x7f;
    elf[1] = 'E';
    elf[2] = 'L';
    elf[3] = 'F';
    elf[4] = 2;
    elf[5] = 1;
    String why = Libfaketime.cannotReach(Files.write(dir.resolve("static"), elf));
    assertTrue(why != null && why.contains("statically linked"), why);
  }

  @Test
  void cannotReach_aGoProgram_saysGoBypassesLibc() throws Exception {
    Path sh = Path.of("/bin/sh");
    Assumptions.assumeTrue(Files.isRegularFile(sh));
    Path go = Files.copy(sh, dir.resolve("go-node"));
    Files.write(
        go, "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);
    String why = Libfaketime.cannotReach(go);
    assertTrue(why != null && why.contains("Go"), why);
  }

  @Test
  void faketimeSpec_isSignedSecondsWithMilliseconds() {
    assertEquals("+0.000", Libfaketime.spec(0));
    assertEquals("-0.005", Libfaketime.spec(-5));
    assertEquals("+3600.000", Libfaketime.spec(3_600_000));
    assertEquals("-7200.250", Libfaketime.spec(-7_200_250));
  }
}
