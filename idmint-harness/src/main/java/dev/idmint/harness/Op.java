package dev.idmint.harness;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One {@code generate} operation: invoked by a worker, then completed exactly once by a reply, an
 * error or a timeout, whichever comes first. Times are {@link System#nanoTime()} values.
 */
final class Op {
  static final int PENDING = 0;
  static final int OK = 1;
  static final int INFO = 2;
  static final int FAIL = 3;

  private static final AtomicIntegerFieldUpdater<Op> TYPE =
      AtomicIntegerFieldUpdater.newUpdater(Op.class, "type");

  final int worker;
  final int process;
  final int node;
  final String client;
  final long msgId;
  final long invokeAt;

  private volatile int type = PENDING;
  // Written once by whoever claims the completion, before it is published (see Workload#finish).
  private long completeAt;
  private Object value;
  private String error;
  private int errorCode = -1;
  private String errorText;

  Op(int worker, int process, int node, String client, long msgId, long invokeAt) {
    this.worker = worker;
    this.process = process;
    this.node = node;
    this.client = client;
    this.msgId = msgId;
    this.invokeAt = invokeAt;
  }

  /**
   * Completes the op unless something else already did; only the caller that gets true has filled
   * in the result.
   *
   * @param error why the op is not ok: Maelstrom's error name, {@code net-timeout} or {@code
   *     malformed-rpc-response}; null when ok
   * @param code the error code of an error reply, else -1
   * @param text the error reply's text, or what was wrong with a malformed reply
   */
  boolean complete(int outcome, long at, Object value, String error, int code, String text) {
    if (!TYPE.compareAndSet(this, PENDING, outcome)) {
      return false;
    }
    this.completeAt = at;
    this.value = value;
    this.error = error;
    this.errorCode = code;
    this.errorText = text;
    return true;
  }

  long completeAt() {
    return completeAt;
  }

  /** From invocation to completion, in nanoseconds. */
  long latency() {
    return completeAt - invokeAt;
  }

  /** The acknowledged ID of an ok op. */
  Object value() {
    return value;
  }

  String error() {
    return error;
  }

  int errorCode() {
    return errorCode;
  }

  String errorText() {
    return errorText;
  }

  int type() {
    return type;
  }

  static String typeName(int type) {
    return switch (type) {
      case OK -> "ok";
      case INFO -> "info";
      case FAIL -> "fail";
      default -> "invoke";
    };
  }
}
