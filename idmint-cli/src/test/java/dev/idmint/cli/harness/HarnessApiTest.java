package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.harness.Harness;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * idmint-cli reaches the harness only through the packages its module-info exports: idmint-cli runs
 * on the class path, where every public class could be reached, so this test keeps it honest.
 */
class HarnessApiTest {
  private static final Path CLI =
      Path.of(System.getProperty("idmint.root", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("idmint-cli/src");

  private static Set<String> exported() throws Exception {
    URL where = Harness.class.getProtectionDomain().getCodeSource().getLocation();
    Path p = Path.of(where.toURI());
    Path descriptor =
        Files.isDirectory(p)
            ? p.resolve("module-info.class")
            : java.nio.file.FileSystems.newFileSystem(p).getPath("module-info.class");
    try (InputStream in = Files.newInputStream(descriptor)) {
      return ModuleDescriptor.read(in).exports().stream()
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void cli_usesOnlyTheHarnessPackagesItsModuleExports() throws Exception {
    Set<String> exported = exported();
    assertEquals(Set.of("dev.idmint.harness", "dev.idmint.harness.config"), exported);
    Pattern use = Pattern.compile("\\b(dev\\.idmint\\.harness(?:\\.[a-z]+)*)\\.[A-Z]");
    List<String> outside = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.walk(CLI)) {
      for (Path f : sources.filter(s -> s.toString().endsWith(".java")).toList()) {
        files++;
        Matcher m = use.matcher(Files.readString(f));
        while (m.find()) {
          if (!exported.contains(m.group(1))) {
            outside.add(CLI.relativize(f) + ": " + m.group(0));
          }
        }
      }
    }
    assertTrue(files > 10, "read idmint-cli's sources under " + CLI);
    assertEquals(List.of(), outside);
  }
}
