package dev.idmint.id;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The lock-free hybrid logical clock under the snowflake and HLC generators. The state is one long,
 * {@code time << bits | sequence}, with time in milliseconds since the layout's epoch; the next is
 * {@code max(last + 1, wall << bits)}, so a full sequence carries into the next millisecond, and a
 * wall clock that goes back is simply outrun. Observing a state {@code s} from elsewhere lifts the
 * clock to at least {@code s}: with the next step that is the HLC receive rule, {@code max(last +
 * 1, s + 1, wall << bits)}.
 *
 * <p><b>The lead bound.</b> Demand never runs the clock more than {@code maxLead} ahead of the
 * <i>reference time</i>: the newest wall-clock reading, carried forward by the monotonic ticker
 * while the wall clock is behind it. A caller that needs more waits for it (at most {@code
 * maxWait}) or gets {@link LeadBoundException}, and takes nothing. A lead the clock causes (a step
 * back) leaves the reference time where it was, so IDs go on at the layout's full rate and the lead
 * grows no further than the step.
 *
 * <p>Within a millisecond the next state is just {@code last + 1}: one atomic add, which unlike a
 * compare-and-set cannot fail under contention. Near the lease or the lead bound, states are taken
 * by compare-and-set only, so a refused caller consumes no time. When the wall clock has moved past
 * the logical one (about once per millisecond) a compare-and-set lifts the state to it; the stale
 * value the add took is skipped, never issued.
 *
 * <p>With durable state, no state past the committed lease is taken. A lease is renewed ahead of
 * need, once its last quarter is reached, by the caller that gets there or on the executor given,
 * while the others go on under the old lease; only a caller that reaches the lease's end waits.
 */
final class LogicalClock {
  /** How far past the newest timestamp in use the durable lease reaches. */
  static final long LEASE_MILLIS = 1000;

  /** How far before its end a lease is renewed ahead of need. */
  static final long RENEW_AHEAD_MILLIS = LEASE_MILLIS / 4;

  private static final long NANOS_PER_MILLI = 1_000_000;

  /** How a generator turns a state into its ID, for the state-resumed event. */
  interface Layout {
    Id idOf(long state);
  }

  /** The lead bound's settings, in ms (and ns for the wait). */
  record Bound(long maxLead, long maxObservedLead, long maxWaitNanos, boolean startAhead) {}

  private static final AtomicLongFieldUpdater<LogicalClock> LAST_WALL =
      AtomicLongFieldUpdater.newUpdater(LogicalClock.class, "lastWall");

  // Field updaters, not AtomicBoolean: its VarHandles cost the node's start-up.
  private static final AtomicIntegerFieldUpdater<LogicalClock> RENEWING =
      AtomicIntegerFieldUpdater.newUpdater(LogicalClock.class, "renewing");

  private static final AtomicLongFieldUpdater<LogicalClock> WANTED =
      AtomicLongFieldUpdater.newUpdater(LogicalClock.class, "wanted");

  /** What a caller that may not wait is told at the lease's end. */
  private static final Duration RENEWAL_RETRY = Duration.ofMillis(1);

  private final PaddedLong state;
  private final int bits;
  private final long mask;
  private final long epoch;
  private final long maxTime;
  private final long maxState;
  private final LongSupplier clock;
  private final LongSupplier ticker;
  private final Durable durable; // null: no durable state
  private final Drift drift;
  private final long maxLead;
  private final long maxObservedLead;
  private final long maxWaitNanos;

  /**
   * With a renewal executor and no wait allowed (an event loop), a caller at the lease's end never
   * writes the state itself: it asks the executor and gets {@link RenewalPendingException}.
   */
  private final boolean callerNeverWrites;

  /** The largest state such a caller asked for: the renewal on the executor covers it. */
  private volatile long wanted;

  /** The fastest path's limit: at most {@link #leaseLimit} and the lead bound's limit. */
  private volatile long limit;

  /** The largest state the committed lease covers; past it, renew first. */
  private volatile long leaseLimit;

  /** Past this state, renew the lease ahead of need. */
  private volatile long renewAt;

  /** Serialises lease writes, so that the lease committed never moves back. */
  private final ReentrantLock renewal = new ReentrantLock();

  /** 1 while a renewal ahead of need is under way (or queued on the executor), else 0. */
  private volatile int renewing;

  private final Runnable renewAhead = new RenewAhead();

  /** The latest wall-clock reading, to spot backward jumps. */
  private volatile long lastWall;

  /** The reference time: {@code refBase} ms since 1970 when the ticker read {@code refNanos}. */
  private long refBase; // guarded by this

  private long refNanos; // guarded by this

  /**
   * Where following an observed time past the max lead lifted the bound's base to (ms since 1970
   * when the ticker read {@code liftNanos}); the bound on observed times keeps to the reference.
   */
  private long liftBase = Long.MIN_VALUE / 2; // guarded by this

  private long liftNanos; // guarded by this

  private volatile boolean closed;

  /**
   * @param bits the sequence bits under the time
   * @param epoch the wall-clock time (ms since 1970) of time 0
   * @param maxTime the largest time, {@code 2^k - 1}
   */
  LogicalClock(
      Scheme scheme,
      int bits,
      long epoch,
      long maxTime,
      LongSupplier clock,
      LongSupplier ticker,
      Durable durable,
      Consumer<IdEvent> events,
      Bound bound,
      Layout layout) {
    this.bits = bits;
    this.mask = (1L << bits) - 1;
    this.epoch = epoch;
    this.maxTime = maxTime;
    this.maxState = (maxTime << bits) | mask;
    this.clock = clock;
    this.ticker = ticker;
    this.durable = durable;
    this.drift = new Drift(bound.maxLead(), events, scheme);
    this.maxLead = bound.maxLead();
    this.maxObservedLead = bound.maxObservedLead();
    this.maxWaitNanos = bound.maxWaitNanos();
    this.callerNeverWrites = maxWaitNanos == 0 && durable != null && durable.renewer() != null;
    long wall = clock.getAsLong();
    this.lastWall = wall;
    long t = inRange(wall - epoch) ? wall - epoch : 0;
    long start = 0; // the state before the first ID
    OptionalLong lease = durable == null ? OptionalLong.empty() : durable.committed();
    if (lease.isPresent()) {
      // Every earlier ID has a time <= the lease, so start just past it.
      start = ((lease.getAsLong() - epoch + 1) << bits) - 1;
    } else if (durable == null && bound.startAhead()) {
      // Nothing remembers the last run, whose IDs stayed within maxLead of the wall clock: start
      // past that, so that a restart reissues nothing unless the clock itself went back.
      start = (Math.min(t + maxLead, maxTime) << bits) - 1;
    }
    if (start >= maxState) {
      throw exhausted(scheme);
    }
    // A lead inherited at start-up is the clock's doing, not demand's: the bound starts from it.
    this.refBase = epoch + Math.max(t, ((start + 1) >>> bits) - maxLead);
    this.refNanos = ticker.getAsLong();
    if (durable == null) {
      leaseLimit = maxState;
      renewAt = Long.MAX_VALUE; // nothing to renew
    } else {
      renew(Math.max(start >>> bits, t));
      durable.emit(
          lease.isPresent()
              ? new IdEvent.StateResumed(durable.where(), layout.idOf(start + 1))
              : new IdEvent.StateCreated(durable.where()));
    }
    this.state = new PaddedLong(start);
    limit = Math.min(leaseLimit, boundLimit(wall, ticker.getAsLong()));
    drift.inRange(inRange(wall - epoch), wall);
    track(wall, wall, start);
  }

  /**
   * Takes {@code count} consecutive states, each above every state taken or observed before, and
   * returns the last of them.
   *
   * @throws IdStateException if the lease had to be renewed and could not be, or the time range is
   *     used up; no state was taken
   * @throws LeadBoundException if the states would run past the lead bound for longer than the
   *     caller may wait; no state was taken
   */
  long next(int count) {
    long seen = lastWall; // read before the clock, so a lower reading is a real jump, not a race
    long wall = clock.getAsLong();
    long t = wall - epoch;
    long floor = inRange(t) ? t << bits : 0; // out-of-range readings do not move the clock
    long last;
    if (state.get() + count > limit) {
      last = advance(wall, floor, count); // near a limit: take nothing that may be refused
    } else {
      last = state.addAndGet(count);
      long first = last - count + 1;
      if (first < floor || last > limit) {
        // Give the states back (unless another caller took states above them since), so that a
        // caller the slow path refuses takes no time.
        state.compareAndSet(last, first - 1);
        last = advance(wall, floor, count);
      }
    }
    long first = last - count + 1;
    if (wall != seen || (first & mask) == 0 || (first ^ last) >>> bits != 0) {
      // About once per millisecond, and at every millisecond boundary, where renewAt lies.
      track(seen, wall, last);
      if (last >= renewAt && RENEWING.compareAndSet(this, 0, 1)) {
        startRenewal();
      }
    }
    return last;
  }

  /**
   * Fills {@code into[from]} to {@code into[from + count - 1]} with consecutive states taken by
   * {@link #next(int)}.
   */
  void next(long[] into, int from, int count) {
    Objects.checkFromIndexSize(from, count, into.length);
    if (count > 0) {
      long state = next(count) - count + 1;
      for (int i = from; i < from + count; i++) {
        into[i] = state++;
      }
    }
  }

  /**
   * Lifts the clock to at least {@code seen}, so that every state taken after this is above it. A
   * state at or below one already taken changes nothing and is never refused.
   *
   * @param time the time of what was observed, which the bound applies to
   * @throws ObservedAheadException if {@code time} is further ahead of the reference time than the
   *     bound on observed times
   */
  void observe(long seen, long time) {
    if (state.get() >= seen) {
      return;
    }
    long wall = clock.getAsLong();
    long ref = reference(wall, ticker.getAsLong());
    if (time - (ref - epoch) > maxObservedLead) {
      throw new ObservedAheadException(
          Instant.ofEpochMilli(epoch + time),
          Instant.ofEpochMilli(ref),
          Duration.ofMillis(maxObservedLead));
    }
    if (time - (ref - epoch) > maxLead) {
      // Allowed past the lead bound (a caller that follows any clock): like a clock step, it is
      // not demand, so the bound moves with it and the next ID need not wait.
      liftReference(epoch + time + 1 - maxLead);
    }
    for (; ; ) {
      long prev = state.get();
      if (prev >= seen) {
        return;
      }
      if (state.compareAndSet(prev, seen)) {
        drift.lead(lead(wall, seen)); // the next ID may be mid-millisecond, where next() skips it
        return;
      }
    }
  }

  ClockStats stats() {
    return drift.stats(lead(clock.getAsLong(), state.get()));
  }

  /**
   * Commits the lease again, from the newest state taken: a real write that proves the durable
   * state works (a readiness probe), and lets renewals ahead of need resume after a failure.
   *
   * @throws IdStateException if it cannot be written
   */
  void writeState() {
    if (durable == null) {
      return;
    }
    renewal.lock();
    try {
      renew(Math.min(state.get(), leaseLimit) >>> bits, true);
    } finally {
      renewal.unlock();
    }
  }

  /** Stops taking states past those committed, and gives up the durable state's claim. */
  void close() {
    closed = true;
    renewal.lock();
    try {
      leaseLimit = -1;
      limit = -1;
    } finally {
      renewal.unlock();
    }
    if (durable != null) {
      durable.close();
    }
  }

  private boolean inRange(long t) {
    return (t & ~maxTime) == 0;
  }

  private long lead(long wall, long state) {
    return (state >>> bits) - (wall - epoch);
  }

  /**
   * Drift bookkeeping, about once per millisecond: a new wall-clock reading or logical millisecond.
   * The fast path's limit moves on here too, as the reference time does.
   */
  private void track(long seen, long wall, long last) {
    long lead = lead(wall, last);
    if (wall != seen && LAST_WALL.compareAndSet(this, seen, wall)) {
      drift.inRange(inRange(wall - epoch), wall);
      if (wall < seen) {
        drift.backwardJump(seen, wall, lead);
      }
    }
    drift.lead(lead);
    refreshLimit(wall, ticker.getAsLong());
  }

  /** The reference time, ms since 1970: moved up to {@code wall} if that is ahead of it. */
  private synchronized long reference(long wall, long nanos) {
    long elapsed = Math.max(0, nanos - refNanos);
    long ref = refBase + elapsed / NANOS_PER_MILLI;
    if (wall > ref && inRange(wall - epoch)) {
      refBase = wall;
      refNanos = nanos;
      return wall;
    }
    return ref;
  }

  private synchronized void liftReference(long base) {
    long nanos = ticker.getAsLong();
    if (base > boundBase(lastWall, nanos)) {
      liftBase = base;
      liftNanos = nanos;
    }
  }

  /** What the lead bound counts from, ms since 1970: the reference time, or a lift past it. */
  private synchronized long boundBase(long wall, long nanos) {
    return Math.max(
        reference(wall, nanos), liftBase + Math.max(0, nanos - liftNanos) / NANOS_PER_MILLI);
  }

  /** The largest state the lead bound allows now. */
  private long boundLimit(long wall, long nanos) {
    long boundTime = boundBase(wall, nanos) - epoch + maxLead;
    return boundTime >= maxTime ? maxState : (boundTime << bits) | mask;
  }

  private void refreshLimit(long wall, long nanos) {
    long boundTime = boundBase(wall, nanos) - epoch + maxLead;
    long bound = boundTime >= maxTime ? maxState : (boundTime << bits) | mask;
    long fresh = Math.min(leaseLimit, bound);
    if (fresh > limit && !closed) {
      limit = fresh; // racing writers may leave it lower than it could be: the slow path copes
    }
  }

  /** The states by compare-and-set: at the lease or the lead bound, or when the wall moved on. */
  private long advance(long wall, long floor, int count) {
    long waited = 0;
    for (; ; ) {
      if (closed) {
        throw new IdStateException("the generator is closed");
      }
      long prev = state.get();
      long last = Math.max(prev + 1, floor) + count - 1;
      if (last > limit) {
        if (last > maxState) {
          throw exhausted(drift.scheme());
        }
        long nanos = ticker.getAsLong();
        long bound = boundLimit(wall, nanos); // the reading the floor came from counts too
        if (last > bound) {
          long wait = waitNanos(last >>> bits, nanos);
          if (waited + wait > maxWaitNanos) {
            throw new LeadBoundException(
                Duration.ofNanos(Math.max(wait, 1)), Duration.ofMillis(maxLead));
          }
          LockSupport.parkNanos(wait);
          waited += wait;
          wall = clock.getAsLong();
          floor = inRange(wall - epoch) ? (wall - epoch) << bits : 0;
          continue;
        }
        if (last > leaseLimit) {
          if (callerNeverWrites) {
            throw renewalPending(last);
          }
          return renewAndAdvance(floor, count);
        }
        refreshLimit(wall, nanos);
      }
      if (state.compareAndSet(prev, last)) {
        return last;
      }
    }
  }

  /**
   * How long until the lead bound reaches {@code time}, in ns (at least 1 ms away: an estimate).
   */
  private synchronized long waitNanos(long time, long nanos) {
    long elapsed = Math.max(0, nanos - refNanos);
    long base = refBase;
    long lifted = Math.max(0, nanos - liftNanos);
    if (liftBase + lifted / NANOS_PER_MILLI > refBase + elapsed / NANOS_PER_MILLI) {
      base = liftBase;
      elapsed = lifted;
    }
    long behind = time - (base - epoch + maxLead); // ms the bound must still move, from base
    if (behind > Long.MAX_VALUE / NANOS_PER_MILLI / 2) {
      return Long.MAX_VALUE / 2;
    }
    return Math.max(behind * NANOS_PER_MILLI - elapsed, 1);
  }

  /** The slow path at the lease boundary: renew, then take the states. */
  private long renewAndAdvance(long floor, int count) {
    renewal.lock();
    try {
      for (; ; ) {
        if (closed) {
          throw new IdStateException("the generator is closed");
        }
        long prev = state.get();
        long last = Math.max(prev + 1, floor) + count - 1;
        if (last > leaseLimit) {
          if (last > maxState) {
            throw exhausted(drift.scheme());
          }
          renew(last >>> bits);
        } else if (state.compareAndSet(prev, last)) {
          return last;
        }
      }
    } finally {
      renewal.unlock();
    }
  }

  /**
   * For a caller that may not write: the failure of the last renewal, if it is recent, else a
   * renewal on the executor that covers {@code last} (started unless one is under way) and a {@link
   * RenewalPendingException}.
   */
  private RuntimeException renewalPending(long last) {
    IdStateException failed = durable.recentFailure();
    if (failed != null) {
      return failed;
    }
    for (long w = wanted; w < last && !WANTED.compareAndSet(this, w, last); w = wanted) {
      // raced with another caller: read again
    }
    if (RENEWING.compareAndSet(this, 0, 1)) {
      startRenewal();
    }
    return new RenewalPendingException(durable.where(), RENEWAL_RETRY);
  }

  /** Renews the lease ahead of need: here, or on the executor given. */
  private void startRenewal() {
    Executor renewer = durable.renewer();
    if (renewer == null) {
      renewAhead.run();
      return;
    }
    try {
      renewer.execute(renewAhead);
    } catch (RejectedExecutionException e) {
      renewing = 0; // the caller that reaches the lease's end renews it
    }
  }

  /** A renewal ahead of need, from the newest timestamp in use. */
  private final class RenewAhead implements Runnable {
    @Override
    public void run() {
      renewal.lock();
      try {
        // A state past the lease is never issued; one a caller waits for is within the lead bound.
        renew(Math.max(Math.min(state.get(), leaseLimit), wanted) >>> bits);
      } catch (IdStateException e) {
        // No ID depends on it: the caller that reaches the lease's end tries again and fails
        // with this cause. Until then, no more early attempts.
        renewAt = leaseLimit;
      } finally {
        renewal.unlock();
        renewing = 0;
      }
    }
  }

  private void renew(long time) {
    renew(time, false);
  }

  /**
   * Leases time up to {@code time + LEASE_MILLIS}, durably before any ID uses it; a lease that
   * would not reach past the current one is not written, unless {@code always}. Called with {@link
   * #renewal} held, or from the constructor.
   */
  private void renew(long time, boolean always) {
    long lease = Math.min(time + LEASE_MILLIS, maxTime);
    long covers = (lease << bits) | mask;
    if (covers <= leaseLimit) {
      if (!always) {
        return;
      }
      lease = leaseLimit >>> bits; // the lease in force, written again
      covers = leaseLimit;
    }
    if (closed) {
      throw new IdStateException("the generator is closed");
    }
    durable.commit(lease + epoch, always);
    leaseLimit = covers;
    renewAt = Math.max(lease - RENEW_AHEAD_MILLIS, 0) << bits;
  }

  private IdStateException exhausted(Scheme scheme) {
    return new IdStateException(
        scheme
            + " IDs exhausted: the logical clock reached "
            + Instant.ofEpochMilli(epoch + maxTime)
            + ", the end of the "
            + Long.bitCount(maxTime)
            + "-bit time range");
  }

  /** Where the durable state is kept, or null without it. */
  String store() {
    return durable == null ? null : durable.where();
  }
}
