package dev.idmint.protocol;

/**
 * Maelstrom's error codes (doc/protocol.md). A definite error means the operation certainly did not
 * happen; clients record it as a failure, and anything else as indeterminate.
 */
public final class ErrorCode {
  private ErrorCode() {}

  public static final int TIMEOUT = 0;
  public static final int NODE_NOT_FOUND = 1;
  public static final int NOT_SUPPORTED = 10;
  public static final int TEMPORARILY_UNAVAILABLE = 11;
  public static final int MALFORMED_REQUEST = 12;
  public static final int CRASH = 13;
  public static final int ABORT = 14;
  public static final int KEY_DOES_NOT_EXIST = 20;
  public static final int KEY_ALREADY_EXISTS = 21;
  public static final int PRECONDITION_FAILED = 22;
  public static final int TXN_CONFLICT = 30;

  /** Whether Maelstrom treats {@code code} as definite; unknown and custom codes are not. */
  public static boolean isDefinite(int code) {
    return switch (code) {
      case NODE_NOT_FOUND, NOT_SUPPORTED, TEMPORARILY_UNAVAILABLE, MALFORMED_REQUEST, ABORT,
          KEY_DOES_NOT_EXIST, KEY_ALREADY_EXISTS, PRECONDITION_FAILED, TXN_CONFLICT -> true;
      default -> false;
    };
  }

  /** Maelstrom's name for {@code code}, or {@code unknown}. */
  public static String name(int code) {
    return switch (code) {
      case TIMEOUT -> "timeout";
      case NODE_NOT_FOUND -> "node-not-found";
      case NOT_SUPPORTED -> "not-supported";
      case TEMPORARILY_UNAVAILABLE -> "temporarily-unavailable";
      case MALFORMED_REQUEST -> "malformed-request";
      case CRASH -> "crash";
      case ABORT -> "abort";
      case KEY_DOES_NOT_EXIST -> "key-does-not-exist";
      case KEY_ALREADY_EXISTS -> "key-already-exists";
      case PRECONDITION_FAILED -> "precondition-failed";
      case TXN_CONFLICT -> "txn-conflict";
      default -> "unknown";
    };
  }
}
