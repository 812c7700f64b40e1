package dev.idmint.harness.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyTest {
  static final Path ROOT =
      Path.of(System.getProperty("idmint.root", "..")).toAbsolutePath().normalize();

  @Test
  void fill_replacesTheProjectsServerLines_withTheRunsInstances() throws Exception {
    String cfg = Files.readString(ROOT.resolve("deploy/haproxy.cfg"));
    String filled = Haproxy.fill(cfg, List.of("n0", "n1"), List.of(40001, 40002));
    assertTrue(filled.contains("\n    server n0 127.0.0.1:40001\n    server n1 127.0.0.1:40002\n"));
    assertTrue(filled.contains("\n    http-response set-header X-Idmint-Instance %s\n"));
    assertFalse(filled.contains("127.0.0.1:8081"), "the example servers are gone");
    int end = cfg.indexOf("# END servers");
    assertEquals(
        cfg.substring(0, cfg.indexOf("    # BEGIN servers")),
        filled.substring(0, filled.indexOf("    # BEGIN servers")),
        "everything before the block is the project's");
    assertEquals(
        cfg.substring(end), filled.substring(filled.indexOf("# END servers")), "and after it");
  }

  @Test
  void fill_withoutTheBlock_saysWhatIsMissing() {
    assertTrue(
        assertThrows(
                IllegalStateException.class,
                () -> Haproxy.fill("backend b\n  server x 1.2.3.4:5\n", List.of("n0"), List.of(1)))
            .getMessage()
            .contains("# BEGIN servers"));
  }
}
