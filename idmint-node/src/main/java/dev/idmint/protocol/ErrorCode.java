package dev.idmint.protocol;

/** The Maelstrom error codes (doc/protocol.md) this node sends; all of them are definite. */
public final class ErrorCode {
  private ErrorCode() {}

  public static final int NOT_SUPPORTED = 10;
  public static final int TEMPORARILY_UNAVAILABLE = 11;
  public static final int MALFORMED_REQUEST = 12;
  public static final int ABORT = 14;
}
