package dev.idmint.serve;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Answer bytes written but not yet taken by their peers, across every connection. Each connection
 * stops answering at its own cap (the write buffer's high-water mark) plus the answer that crossed
 * it, but many peers that all stop reading could still hold more than the direct memory there is:
 * past the budget, requests get 503 (with {@code Retry-After}) instead of an answer, until peers
 * read or their connections close.
 */
final class AnswerBudget {
  private final long limit;
  private final AtomicLong pending = new AtomicLong();

  AnswerBudget(long limit) {
    this.limit = limit;
  }

  /** Whether new answers must wait: the budget is spent. */
  boolean spent() {
    return pending.get() >= limit;
  }

  void written(int bytes) {
    pending.addAndGet(bytes);
  }

  void taken(int bytes) {
    pending.addAndGet(-bytes);
  }

  long pending() {
    return pending.get();
  }

  long limit() {
    return limit;
  }
}
