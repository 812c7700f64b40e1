package dev.idmint.node;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** Placeholder: the single-threaded node loop. */
public final class Node {
  public Node(NodeConfig config, InputStream in, OutputStream out, PrintStream err) {}

  public int run() {
    return 0;
  }
}
