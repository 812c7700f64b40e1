package dev.idmint.id;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * Counter IDs, {@code <node>-<n>}. The hot path is one atomic increment and a compare; with durable
 * state, blocks of numbers are reserved in the state file ahead of use. A block that lasts under a
 * second doubles the next one (up to {@link #MAX_BLOCK}), one that lasts over a minute halves it
 * (down to {@link #MIN_BLOCK}): a fast counter rarely fsyncs, a slow one wastes little on restart.
 * The next block is reserved ahead of need, once the last quarter of the current one is reached, by
 * the caller that gets there or on the state file's executor, while the others go on; only a caller
 * that reaches the block's end waits.
 */
final class CounterGenerator implements IdGenerator {
  static final long MIN_BLOCK = 1024;
  static final long MAX_BLOCK = 1L << 24;

  /** Restored state above this is taken as corrupt: the counter could never get there. */
  static final long MAX_RESERVED = 1L << 62;

  /**
   * The largest n {@link #observe(long)} follows: half the range, so that no observed ID, however
   * hostile, leaves fewer than 2^61 numbers (73 years at a billion a second) before the end.
   */
  static final long MAX_OBSERVED = 1L << 61;

  private final String node;
  private final PaddedLong next;
  private final Durable durable; // null: no durable state
  private final LongSupplier clock;

  // A field updater, not AtomicBoolean: its VarHandles cost the node's start-up.
  private static final AtomicIntegerFieldUpdater<CounterGenerator> RESERVING =
      AtomicIntegerFieldUpdater.newUpdater(CounterGenerator.class, "reserving");

  /** Numbers below this are reserved; at it, reserve more first. */
  private volatile long limit;

  /** From this number on, reserve the next block ahead of need; never above {@link #limit}. */
  private volatile long reserveAt;

  /** 1 while a reservation ahead of need is under way (or queued on the executor), else 0. */
  private volatile int reserving;

  private volatile boolean closed;

  private final Runnable reserveAhead = new ReserveAhead();

  private long block = MIN_BLOCK; // guarded by this
  private long blockStartMillis; // guarded by this

  CounterGenerator(String node, LongSupplier clock, Durable durable) {
    this.node = node;
    this.clock = clock;
    this.durable = durable;
    long start = 0;
    if (durable == null) {
      limit = Long.MAX_VALUE;
      reserveAt = Long.MAX_VALUE;
    } else {
      OptionalLong reserved = durable.committed();
      if (reserved.isPresent()) {
        start = reserved.getAsLong();
      }
      blockStartMillis = clock.getAsLong();
      reserved(write(start, block), block);
      durable.emit(
          reserved.isPresent()
              ? new IdEvent.StateResumed(durable.where(), new CounterId(node, start))
              : new IdEvent.StateCreated(durable.where()));
    }
    this.next = new PaddedLong(start);
  }

  @Override
  public Scheme scheme() {
    return Scheme.COUNTER;
  }

  @Override
  public long nextLong() {
    long n = next.getAndIncrement();
    // Unsigned, so a wrapped (negative) n also takes the slow path.
    if (Long.compareUnsigned(n, reserveAt) < 0) {
      return n;
    }
    try {
      return pastReservePoint(n);
    } catch (IdStateException e) {
      next.compareAndSet(n + 1, n); // a refused call takes no number, unless others took later ones
      throw e;
    }
  }

  /** Within the block, starts reserving the next one ahead of need; past it, reserves first. */
  private long pastReservePoint(long n) {
    if (closed) {
      throw new IdStateException("the generator is closed");
    }
    if (Long.compareUnsigned(n, limit) >= 0) {
      return reserveFor(n);
    }
    if (reserving == 0 && RESERVING.compareAndSet(this, 0, 1)) { // a read first: no CAS storm
      Executor renewer = durable.renewer();
      if (renewer == null) {
        reserveAhead.run();
      } else {
        try {
          renewer.execute(reserveAhead);
        } catch (RejectedExecutionException e) {
          reserving = 0; // the caller that reaches the block's end reserves
        }
      }
    }
    return n;
  }

  @Override
  public Id next() {
    return new CounterId(node, nextLong());
  }

  @Override
  public void nextLongs(long[] into, int from, int count) {
    Objects.checkFromIndexSize(from, count, into.length);
    if (count == 0) {
      return;
    }
    long first = next.getAndAdd(count);
    long last = first + count - 1;
    // Unsigned, so a wrapped (negative) n also takes the slow path.
    if (Long.compareUnsigned(first, reserveAt) >= 0 || Long.compareUnsigned(last, reserveAt) >= 0) {
      try {
        if (first < 0) {
          reserveFor(first); // throws
        }
        pastReservePoint(last);
      } catch (IdStateException e) {
        next.compareAndSet(first + count, first); // as in nextLong
        throw e;
      }
    }
    for (int i = from; i < from + count; i++) {
      into[i] = first++;
    }
  }

  @Override
  public void observe(Id seen) {
    if (!(seen instanceof CounterId c)) {
      throw IdFactory.otherScheme(seen, Scheme.COUNTER);
    }
    observe(c.n());
  }

  /** Lamport's receive rule: n moves past {@code seen}; the numbers skipped are never issued. */
  @Override
  public void observe(long seen) {
    if (seen < 0 || seen > MAX_OBSERVED) {
      throw new IllegalArgumentException(
          "an observed counter ID's n must be 0.." + MAX_OBSERVED + ", got " + seen);
    }
    for (; ; ) {
      long n = next.get();
      if (n > seen || next.compareAndSet(n, seen + 1)) {
        return;
      }
    }
  }

  @Override
  public ClockStats clockStats() {
    return ClockStats.NONE;
  }

  @Override
  public synchronized void writeState() {
    if (durable != null && !closed) {
      durable.commit(limit, true);
      reserved(limit, block); // lets reservations ahead of need resume after a failure
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    reserveAt = 0; // every caller takes the slow path, and is refused there
    if (durable != null) {
      durable.close();
    }
  }

  private synchronized long reserveFor(long n) {
    if (closed) {
      throw new IdStateException("the generator is closed");
    }
    if (n < 0 || n >= MAX_RESERVED) {
      throw new IdStateException("counter IDs exhausted for node " + node);
    }
    // If this throws, n is skipped but never issued: a gap, not a duplicate.
    while (n >= limit) {
      reserveNext(n);
    }
    return n;
  }

  /** A reservation ahead of need: the next block, from the end of this one. */
  private final class ReserveAhead implements Runnable {
    @Override
    public void run() {
      try {
        synchronized (CounterGenerator.this) {
          if (Long.compareUnsigned(next.get(), reserveAt) < 0) {
            return; // run late: a caller at the block's end has reserved already, none is due
          }
          try {
            reserveNext(limit);
          } catch (IdStateException e) {
            // No ID depends on it: the caller that reaches the block's end tries again and fails
            // with this cause. Until then, no more early attempts.
            reserveAt = limit;
          }
        }
      } finally {
        reserving = 0;
      }
    }
  }

  /**
   * Durably reserves the next block from {@code from} on, sized by how long the last one lasted.
   */
  private void reserveNext(long from) { // guarded by this
    long now = clock.getAsLong();
    long lasted = now - blockStartMillis; // a wall clock that went back just keeps the size
    long size = block;
    if (lasted >= 0 && lasted < 1000) {
      size = Math.min(block * 2, MAX_BLOCK);
    } else if (lasted > 60_000) {
      size = Math.max(block / 2, MIN_BLOCK);
    }
    reserved(write(from, size), size);
    block = size;
    blockStartMillis = now;
  }

  /** Numbers below {@code end} are now reserved; the next block is due in the last quarter. */
  private void reserved(long end, long size) {
    limit = end;
    reserveAt = end - size / 4;
  }

  /**
   * Durably reserves {@code size} numbers from {@code from} on, and returns the end; never past
   * {@link #MAX_RESERVED}, the most a restart accepts.
   */
  private long write(long from, long size) {
    if (from >= MAX_RESERVED) {
      throw new IdStateException(
          "counter IDs exhausted for node " + node + ": n reached " + MAX_RESERVED);
    }
    long end = Math.min(from + size, MAX_RESERVED);
    durable.commit(end, false);
    return end;
  }

  long block() {
    return block;
  }

  @Override
  public String toString() {
    return "CounterGenerator[node="
        + node
        + (durable == null ? "" : ", state=" + durable.where())
        + "]";
  }
}
