package dev.idmint.cli;

import dev.idmint.node.Node;
import dev.idmint.node.NodeConfig;
import dev.idmint.serve.Server;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Entry point. With no arguments it is the node; anything else goes through the picocli commands.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("serve")) {
      Server.warmUp(); // on the other core, while picocli parses the command line
    }
    // The node is dispatched before picocli is loaded: picocli costs ~130 ms of start-up.
    int code = args.length == 0 ? runNode(null) : Cli.run(args, utf8(System.out), utf8(System.err));
    System.exit(code);
  }

  /** UTF-8 whatever the locale: the harness's verdict line has Maelstrom's kaomoji. */
  private static PrintWriter utf8(OutputStream s) {
    return new PrintWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), true);
  }

  /**
   * Runs the node on stdin/stdout with settings from the environment, overridden by {@code flags}.
   */
  static int runNode(NodeConfig.Overrides flags) {
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    NodeConfig config;
    try {
      config = NodeConfig.fromEnvironment(System.getenv()).with(flags);
    } catch (IllegalArgumentException e) {
      err.println("idmint: " + e.getMessage());
      return Cli.BAD_ARGUMENTS;
    }
    FileOutputStream out = new FileOutputStream(FileDescriptor.out);
    // Stdout carries protocol messages only: anything printed through System.out lands on stderr.
    System.setOut(err);
    return new Node(config, new FileInputStream(FileDescriptor.in), out, err).run();
  }
}
