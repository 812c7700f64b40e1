package dev.idmint.harness.maelstrom;

import dev.idmint.harness.platform.Console;
import dev.idmint.harness.run.Violation;
import dev.idmint.harness.run.Violations;
import java.util.List;

/**
 * The nodes' protocol violations, and what follows one that Maelstrom would not read past: the
 * harness stops using that node's stdout.
 */
final class NodeViolations {
  private final Violations violations;

  NodeViolations(Console console) {
    this.violations = new Violations(console);
  }

  /** Records a violation by {@code node}, telling the user about the first ones. */
  void report(NodePipe node, String kind, String message, boolean killsOutput, String line) {
    Violation v =
        new Violation(
            System.nanoTime(), node.node.id, kind, message, killsOutput, Violation.shorten(line));
    if (killsOutput) {
      node.killOutput(v);
    }
    violations.add(
        v,
        "\nidmint test: "
            + node.node.id
            + " "
            + message
            + ":\n  "
            + v.line()
            + (killsOutput
                ? "\n  Maelstrom stops reading a node's stdout after this; so does idmint test: "
                    + node.node.id
                    + "'s later replies are lost."
                : ""));
  }

  void report(
      NodePipe node, String kind, String message, boolean killsOutput, byte[] b, int off, int len) {
    report(node, kind, message, killsOutput, Wire.line(b, off, len));
  }

  List<Violation> list() {
    return violations.list();
  }

  long count() {
    return violations.count();
  }
}
