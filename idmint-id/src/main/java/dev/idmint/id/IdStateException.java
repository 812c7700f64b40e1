package dev.idmint.id;

/**
 * Durable state cannot be created, read, written or parsed, or the scheme's IDs are used up; no ID
 * was issued.
 */
public final class IdStateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdStateException(String message) {
    super(message);
  }

  /** For registries and other durable stores: {@code cause} may be null. */
  public IdStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
