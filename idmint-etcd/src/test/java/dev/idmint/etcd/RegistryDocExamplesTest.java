package dev.idmint.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.IdGenerator;
import dev.idmint.id.Javac;
import dev.idmint.id.SnowflakeId;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/registry.md's two Java examples, compiled as shown and run against a real cluster. */
class RegistryDocExamplesTest extends OnCluster {
  static final String SHOWN_URL = "etcd://10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379";
  static final String IMPORTS =
      "import dev.idmint.etcd.*;\n"
          + "import dev.idmint.id.*;\n"
          + "import java.time.Duration;\n"
          + "import java.util.concurrent.*;\n"
          + "import static java.util.concurrent.TimeUnit.MILLISECONDS;\n";

  @TempDir Path tmp;

  @Test
  void builderExample_leasesAWorker_andIssuesItsIds() throws Exception {
    String shown = javaBlocks().get(0);
    assertTrue(shown.contains(SHOWN_URL), shown);
    String source =
        IMPORTS
            + "public class BuilderExample {\n"
            + "  public static IdGenerator ids(String url) {\n"
            + shown.replace('"' + SHOWN_URL + '"', "url")
            + "    return ids;\n  }\n}\n";
    try (IdGenerator ids =
        (IdGenerator)
            load("BuilderExample", source)
                .getMethod("ids", String.class)
                .invoke(null, cluster.url())) {
      SnowflakeId id = (SnowflakeId) ids.next();
      assertTrue(id.worker() >= 0 && id.worker() <= 1023, id.toString());
      assertTrue(ids.nextLong() > id.value());
    }
  }

  @Test
  void reclaimPattern_compiles_andItsClaimInstallsAGenerator() throws Exception {
    String shown = javaBlocks().get(1);
    // The pattern's surroundings, which the manual leaves out: the URL, the claimer and a backoff.
    String source =
        IMPORTS
            + "public class Reclaim {\n"
            + "  final String url = System.getProperty(\"idmint.example.url\");\n"
            + "  final ScheduledExecutorService claimer ="
            + " Executors.newSingleThreadScheduledExecutor();\n"
            + "  long backoff() { return 100; }\n"
            + shown
            + "}\n";
    System.setProperty("idmint.example.url", cluster.url());
    Class<?> type = load("Reclaim", source);
    Object reclaim = type.getDeclaredConstructor().newInstance();
    Method claim = type.getDeclaredMethod("claim");
    claim.setAccessible(true); // the pattern's members are package-private, as shown
    claim.invoke(reclaim);
    Field current = type.getDeclaredField("current");
    current.setAccessible(true);
    Field claimer = type.getDeclaredField("claimer");
    claimer.setAccessible(true);
    try (IdGenerator ids = (IdGenerator) current.get(reclaim)) {
      assertTrue(ids != null, "claim() installed no generator");
      long first = ids.nextLong();
      assertTrue(ids.nextLong() > first);
    } finally {
      ((ExecutorService) claimer.get(reclaim)).shutdownNow();
    }
  }

  /** The Java blocks of docs/registry.md, in order. */
  static List<String> javaBlocks() throws IOException {
    List<String> blocks = new ArrayList<>();
    List<String> lines = Files.readAllLines(Path.of("../docs/registry.md"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals("```java")) {
        StringBuilder block = new StringBuilder();
        for (i++; !lines.get(i).equals("```"); i++) {
          block.append(lines.get(i)).append('\n');
        }
        blocks.add(block.toString());
      }
    }
    assertEquals(2, blocks.size(), "Java blocks in docs/registry.md");
    return blocks;
  }

  /** Compiles one class against this module's test class path and loads it. */
  private Class<?> load(String name, String source) throws Exception {
    Path classes = Javac.compile(name, source, tmp, System.getProperty("java.class.path"));
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, RegistryDocExamplesTest.class.getClassLoader());
    return Class.forName(name, true, loader);
  }
}
