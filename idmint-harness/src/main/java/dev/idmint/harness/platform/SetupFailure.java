package dev.idmint.harness.platform;

import java.io.IOException;

/**
 * The run could not be set up for a reason outside the node and outside idmint, e.g. HAProxy would
 * not start: the harness failed (exit 255), and the message says why.
 */
public class SetupFailure extends IOException {
  private static final long serialVersionUID = 1L;

  public SetupFailure(String message) {
    super(message);
  }
}
