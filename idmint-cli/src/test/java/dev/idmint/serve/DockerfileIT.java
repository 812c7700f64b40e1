package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image of deploy/Dockerfile without a container runtime: its COPY lines are carried out into a
 * temporary root, and its entrypoint, started from there with its command, must serve. A file the
 * launcher needs and the Dockerfile does not copy fails here.
 */
@Timeout(120)
class DockerfileIT {
  private static final Path DOCKERFILE = ServeProcess.ROOT.resolve("deploy/Dockerfile");

  /** A JSON array of strings as Dockerfiles write them (exec form), without escapes. */
  private static List<String> execForm(String json) {
    String inner = json.trim();
    assertTrue(inner.startsWith("[") && inner.endsWith("]"), "not exec form: " + json);
    List<String> out = new ArrayList<>();
    for (String s : inner.substring(1, inner.length() - 1).split(",")) {
      out.add(s.trim().replaceAll("^\"|\"$", ""));
    }
    return out;
  }

  @Test
  void imageLayout_fromTheCopyLines_startsTheEntrypointAndServes(@TempDir Path tmp)
      throws Exception {
    Path image = tmp.resolve("image");
    String workdir = "/";
    String user = null;
    List<String> entrypoint = null;
    List<String> cmd = List.of();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      String[] parts = line.trim().split("\\s+", 2);
      switch (parts[0]) {
        case "WORKDIR" -> workdir = parts[1];
        case "USER" -> user = parts[1];
        case "ENTRYPOINT" -> entrypoint = execForm(parts[1]);
        case "CMD" -> cmd = execForm(parts[1]);
        case "COPY" -> copy(parts[1], image, workdir);
        default -> {}
      }
    }
    assertNotNull(user, "the image runs as root: no USER");
    assertFalse(List.of("root", "0", "0:0").contains(user), "the image runs as root: " + user);
    assertNotNull(entrypoint, "no ENTRYPOINT");
    assertFalse(Files.exists(image.resolve("opt/idmint/pom.xml")));

    List<String> command = new ArrayList<>();
    command.add(image.resolve(entrypoint.get(0).substring(1)).toString());
    command.addAll(entrypoint.subList(1, entrypoint.size()));
    command.addAll(cmd);
    assertEquals("serve", command.get(1), command.toString());
    int bind = command.indexOf("--bind");
    assertTrue(bind > 0, "the image must listen beyond loopback: " + command);
    command.set(bind + 1, "127.0.0.1");
    command.addAll(List.of("--port", "0", "--worker-id", "3"));
    try (ServeProcess s =
        ServeProcess.start(new ProcessBuilder(command), tmp.resolve("image.log"), Map.of())) {
      HttpResponse<String> r = s.get("/v1/ids?count=2");
      assertEquals(200, r.statusCode(), s.stderr());
      assertFalse(s.stderr().contains("building"), s.stderr());
      assertEquals(200, s.get("/readyz").statusCode());
    }
  }

  /** {@code COPY src... dest}: a directory source ending in / copies its contents. */
  private static void copy(String args, Path image, String workdir) throws IOException {
    List<String> words = Arrays.asList(args.trim().split("\\s+"));
    assertFalse(words.get(0).startsWith("--"), "COPY options are not understood here: " + args);
    String dest = words.get(words.size() - 1);
    Path to = image.resolve((dest.startsWith("/") ? dest : workdir + "/" + dest).substring(1));
    for (String src : words.subList(0, words.size() - 1)) {
      Path from = ServeProcess.ROOT.resolve(src);
      assertTrue(Files.exists(from), src + " does not exist: build the project first");
      if (Files.isDirectory(from)) {
        try (Stream<Path> all = Files.walk(from)) {
          for (Path p : (Iterable<Path>) all::iterator) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(target);
            } else {
              Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
          }
        }
      } else {
        assertTrue(words.size() == 2 || dest.endsWith("/"), "several sources need a dir: " + args);
        Path target = dest.endsWith("/") ? to.resolve(from.getFileName().toString()) : to;
        Files.createDirectories(target.getParent());
        Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
