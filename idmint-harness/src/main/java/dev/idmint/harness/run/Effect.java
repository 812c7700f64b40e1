package dev.idmint.harness.run;

/**
 * What one nemesis operation did.
 *
 * @param value its value in the history, as JSON: a grudge, nodes and clock offsets, restarts
 * @param summary the same in a few words
 * @param active for a start, what the progress line shows while it lasts; null: the summary
 */
public record Effect(Object value, String summary, String active) {
  public Effect(Object value, String summary) {
    this(value, summary, null);
  }
}
