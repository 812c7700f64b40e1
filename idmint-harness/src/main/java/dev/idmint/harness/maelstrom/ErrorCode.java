package dev.idmint.harness.maelstrom;

/**
 * Maelstrom's error codes (doc/protocol.md). A definite error means the operation certainly did not
 * happen; clients record it as a failure, and anything else as indeterminate.
 */
final class ErrorCode {
  private ErrorCode() {}

  static final int TIMEOUT = 0;
  static final int NODE_NOT_FOUND = 1;
  static final int NOT_SUPPORTED = 10;
  static final int TEMPORARILY_UNAVAILABLE = 11;
  static final int MALFORMED_REQUEST = 12;
  static final int CRASH = 13;
  static final int ABORT = 14;
  static final int KEY_DOES_NOT_EXIST = 20;
  static final int KEY_ALREADY_EXISTS = 21;
  static final int PRECONDITION_FAILED = 22;
  static final int TXN_CONFLICT = 30;

  /** Whether Maelstrom treats {@code code} as definite; unknown and custom codes are not. */
  static boolean isDefinite(int code) {
    return switch (code) {
      case NODE_NOT_FOUND,
          NOT_SUPPORTED,
          TEMPORARILY_UNAVAILABLE,
          MALFORMED_REQUEST,
          ABORT,
          KEY_DOES_NOT_EXIST,
          KEY_ALREADY_EXISTS,
          PRECONDITION_FAILED,
          TXN_CONFLICT ->
          true;
      default -> false;
    };
  }

  /** Maelstrom's name for {@code code}, or {@code unknown}. */
  static String name(int code) {
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
