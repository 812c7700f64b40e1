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
  // Written once by whoever completes the op, before it is published (see Workload#finish).
  long completeAt;
  Object value;

  /**
   * Why the op is not ok: Maelstrom's error name, {@code net-timeout} or {@code
   * malformed-rpc-response}.
   */
  String error;

  /** The error code of an error reply, else -1. */
  int errorCode = -1;

  /** The error reply's text, or what was wrong with a malformed reply. */
  String errorText;

  Op(int worker, int process, int node, String client, long msgId, long invokeAt) {
    this.worker = worker;
    this.process = process;
    this.node = node;
    this.client = client;
    this.msgId = msgId;
    this.invokeAt = invokeAt;
  }

  /** Claims the completion; only the caller that gets true may fill in the result. */
  boolean claim(int outcome) {
    return TYPE.compareAndSet(this, PENDING, outcome);
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
