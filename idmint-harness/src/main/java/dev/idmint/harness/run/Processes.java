package dev.idmint.harness.run;

import dev.idmint.harness.platform.Console;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the cluster does to and for one process: signals, and its log. */
final class Processes {
  private Processes() {}

  /** SIGKILLs a process and its children, and waits up to 5 s for it to be gone. */
  static void killTree(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends {@code kill -SIGNAL} to a process and its children: the JDK has no SIGSTOP or SIGCONT. A
   * process that exits meanwhile is no error.
   */
  static void signal(String signal, Process process) {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
    process.descendants().forEach(d -> cmd.add(Long.toString(d.pid())));
    try {
      Process kill =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(Redirect.DISCARD)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot run kill -" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * With --log-stderr: appends each line the node writes to stderr to its log, and echoes it to the
   * terminal prefixed with the node's name, as Maelstrom logs it.
   */
  static void copyStderr(ClusterNode n, ClusterNode.Proc p, boolean readsStdout, Console console) {
    try (java.io.BufferedReader in =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    readsStdout
                        ? p.process.getErrorStream()
                        : p.process.getInputStream(), // stderr merged into it
                    StandardCharsets.UTF_8));
        java.io.Writer log =
            Files.newBufferedWriter(
                n.log,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      for (String line; (line = in.readLine()) != null; ) {
        log.write(line);
        log.write('\n');
        log.flush();
        console.println(n.id + " stderr: " + line);
      }
    } catch (IOException e) {
      // the pipe broke because the process died; its exit is handled elsewhere
    }
  }

  /** Marks a harness event in the node's log, between its own stderr lines. */
  static void note(ClusterNode n, String what) {
    try {
      Files.writeString(
          n.log,
          "=== idmint test: " + what + " ===\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log is a convenience; the run goes on without the marker
    }
  }
}
