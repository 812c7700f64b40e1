package dev.idmint.serve;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses: its status and a message saying what is wrong and what is allowed. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final transient HttpResponseStatus status;
  final String allow; // for 405

  ApiException(HttpResponseStatus status, String message) {
    this(status, message, null);
  }

  ApiException(HttpResponseStatus status, String message, String allow) {
    super(message, null, false, false); // no stack trace: bad requests are routine, not bugs
    this.status = status;
    this.allow = allow;
  }
}
