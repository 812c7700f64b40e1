package dev.idmint.protocol;

/**
 * A line that is not a JSON object with string {@code src}, string {@code dest} and object {@code
 * body}.
 */
public final class MalformedLineException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedLineException(String message) {
    // No stack trace: these are routine for junk input and cost nothing to report.
    super(message, null, false, false);
  }
}
