package dev.idmint.harness.platform;

import java.io.PrintWriter;

/**
 * stderr as the user sees it: notices, violations and echoed node stderr, each a whole line, and on
 * a terminal a progress line redrawn in place below them. Whole lines from any thread never cut
 * into each other or into the progress line.
 */
public final class Console {
  private final PrintWriter err;
  private final boolean terminal;

  /** Whether the progress line is on screen, to be cleared before the next whole line. */
  private boolean statusShown;

  public Console(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }

  /** Prints whole lines (the text may hold several). */
  public synchronized void println(String s) {
    clearStatus();
    err.println(s);
    err.flush();
  }

  /** Shows the progress line: redrawn in place on a terminal, else printed as a line. */
  public synchronized void status(String line) {
    if (!terminal) {
      println(line);
      return;
    }
    err.print("\r" + line + "\033[K");
    err.flush();
    statusShown = true;
  }

  /** Removes the progress line, if shown. */
  public synchronized void clearStatus() {
    if (statusShown) {
      err.print("\r\033[K");
      err.flush();
      statusShown = false;
    }
  }
}
