package dev.idmint.harness.run;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One {@code generate} operation: invoked by a worker, then completed exactly once by a reply, an
 * error or a timeout, whichever comes first. Times are {@link System#nanoTime()} values.
 */
public final class Op {
  public static final int PENDING = 0;
  public static final int OK = 1;
  public static final int INFO = 2;
  public static final int FAIL = 3;

  /** {@link #node} of a request sent to the load balancer, which picks the instance. */
  public static final int LB = -1;

  private static final AtomicIntegerFieldUpdater<Op> TYPE =
      AtomicIntegerFieldUpdater.newUpdater(Op.class, "type");

  final int worker;
  public final int process;

  /** The instance it was sent to, or {@link #LB}. */
  public final int node;

  public final String client;
  public final long msgId;
  public final long invokeAt;

  private volatile int type = PENDING;
  // Written once by whoever claims the completion, before it is published (see Workload#finish).
  private long completeAt;
  private Object value;
  private String error;
  private int errorCode = -1;
  private String errorText;
  private int servedBy;

  public Op(int worker, int process, int node, String client, long msgId, long invokeAt) {
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
  public boolean complete(int outcome, long at, Object value, String error, int code, String text) {
    return complete(outcome, at, value, error, code, text, node);
  }

  /**
   * As above, naming the instance that answered: as sent, or as the load balancer said; {@link #LB}
   * if unknown.
   */
  public boolean complete(
      int outcome, long at, Object value, String error, int code, String text, int servedBy) {
    if (!TYPE.compareAndSet(this, PENDING, outcome)) {
      return false;
    }
    this.servedBy = servedBy;
    this.completeAt = at;
    this.value = value;
    this.error = error;
    this.errorCode = code;
    this.errorText = text;
    return true;
  }

  public long completeAt() {
    return completeAt;
  }

  /** From invocation to completion, in nanoseconds. */
  public long latency() {
    return completeAt - invokeAt;
  }

  /** The acknowledged ID of an ok op. */
  public Object value() {
    return value;
  }

  public String error() {
    return error;
  }

  public int errorCode() {
    return errorCode;
  }

  public String errorText() {
    return errorText;
  }

  /** The instance that answered, or {@link #LB} if the balancer did not say. */
  public int servedBy() {
    return servedBy;
  }

  public int type() {
    return type;
  }

  public static String typeName(int type) {
    return switch (type) {
      case OK -> "ok";
      case INFO -> "info";
      case FAIL -> "fail";
      default -> "invoke";
    };
  }
}
