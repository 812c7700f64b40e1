package dev.idmint.id;

/** Durable state cannot be created, read, written or parsed; no ID was issued. */
public final class IdStateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdStateException(String message) {
    super(message);
  }

  public IdStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
