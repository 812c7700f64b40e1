package dev.idmint.harness.run;

/**
 * Something a node printed that breaks the protocol.
 *
 * @param at {@link System#nanoTime()} when it was read
 * @param kind a short tag, e.g. {@code not-json} or {@code malformed-reply}
 * @param killsOutput whether the harness stops reading that node's stdout, as Maelstrom does
 * @param line the offending line, shortened
 */
public record Violation(
    long at, String node, String kind, String message, boolean killsOutput, String line) {
  public static final int MAX_LINE = 500;

  public static String shorten(String line) {
    return line.length() <= MAX_LINE
        ? line
        : line.substring(0, MAX_LINE) + "… (" + line.length() + " chars)";
  }
}
