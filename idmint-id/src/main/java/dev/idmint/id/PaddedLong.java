package dev.idmint.id;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * An atomic long with 120 bytes of padding on either side, so that the line every call writes does
 * not also hold fields that every call reads (two threads would then trade it on each read too).
 */
final class PaddedLong extends PaddedLongValue {
  long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

  private static final AtomicLongFieldUpdater<PaddedLongValue> VALUE =
      AtomicLongFieldUpdater.newUpdater(PaddedLongValue.class, "value");

  PaddedLong(long initial) {
    value = initial;
  }

  long get() {
    return value;
  }

  long getAndIncrement() {
    return VALUE.getAndIncrement(this);
  }

  long addAndGet(long delta) {
    return VALUE.addAndGet(this, delta);
  }

  long getAndAdd(long delta) {
    return VALUE.getAndAdd(this, delta);
  }

  boolean compareAndSet(long expected, long update) {
    return VALUE.compareAndSet(this, expected, update);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}

/** Superclass fields come first in the layout: this puts padding before {@code value}. */
abstract class PaddedLongLeft {
  long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class PaddedLongValue extends PaddedLongLeft {
  volatile long value;
}
