package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles a docs example as a user would: one class, for Java 17, on the class path given. */
public final class Javac {
  private Javac() {}

  /**
   * Writes {@code source} as {@code className.java} under {@code tmp}, compiles it into {@code
   * tmp/classes} and returns that directory; the test fails with javac's diagnostics if it does not
   * compile.
   */
  public static Path compile(
      String className, String source, Path tmp, String classpath, String... options)
      throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src")).resolve(className + ".java");
    Files.writeString(src, source);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none"));
    args.addAll(List.of(options));
    args.addAll(List.of("-classpath", classpath, "-d", classes.toString()));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      boolean ok =
          javac.getTask(diagnostics, files, null, args, null, files.getJavaFileObjects(src)).call();
      assertTrue(ok, "the example does not compile:\n" + diagnostics + "\n" + source);
    }
    return classes;
  }
}
