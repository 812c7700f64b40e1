package dev.idmint.harness.run;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.plan.Seeds;
import dev.idmint.harness.plan.Stagger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The unique-ids clients: {@code concurrency} workers, worker i starting on instance i mod N, each
 * with one request in flight at most. One scheduler thread hands out {@code generate} requests on
 * the stagger plan through the transport and times them out; the transport's threads complete them.
 */
public final class Workload {
  /** Maelstrom's client RPC timeout. */
  static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** A Jepsen worker thread and its client connection. */
  public static final class Worker {
    public final int index;
    public final String client;

    /** The instance it starts on ({@link Clients#home}). */
    public final int home;

    /**
     * The instance it sends to: bound for good under Maelstrom; an HTTP client moves on after an
     * info. Changed only by whoever completes its op, before {@code current} is cleared.
     */
    public int node;

    /** Jepsen's process: a worker takes a new one after an info (its op may still be running). */
    int process;

    long nextMsgId = 1;
    public volatile Op current;

    Worker(int index, int home, Workload workload, Clients clients) {
      this.index = index;
      this.home = home;
      this.node = home;
      this.process = index;
      this.client = clients.addWorker(workload, this);
    }
  }

  /**
   * What the load did, once it is over.
   *
   * @param ops every op in invoke order, all completed
   * @param slips times the plan was restarted because it had fallen too far behind
   * @param slippedNanos the time those restarts skipped
   */
  public record Outcome(List<Op> ops, long slips, long slippedNanos) {
    public static final Outcome NONE = new Outcome(List.of(), 0, 0);
  }

  /** Counts while the load runs, for the progress line. */
  record Live(long invoked, long ok, long info, long fail, int outstanding) {}

  private final Worker[] workers;

  /** Every op in invoke order; the scheduler's alone until the run ends. */
  private final ArrayList<Op> ops = new ArrayList<>();

  private final LongAdder okCount = new LongAdder();
  private final LongAdder infoCount = new LongAdder();
  private final LongAdder failCount = new LongAdder();
  private volatile long invoked;

  /** How far behind its plan the scheduler may fall and still catch up. */
  static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private long slips;
  private long slippedNanos;

  private final Clients clients;
  private final Stagger stagger;
  private final boolean idle;

  /** Ops not yet known complete, oldest first: the head is the next to time out. */
  private final ArrayDeque<Op> inFlight = new ArrayDeque<>();

  private final AtomicInteger outstanding = new AtomicInteger();
  private volatile Thread scheduler;
  private volatile boolean awaitingCompletion;
  private int cursor;

  public Workload(Config config, Clients clients) {
    this.clients = clients;
    this.idle = config.rate() == 0;
    this.stagger = new Stagger(Seeds.requests(config.seed()), config.rate()); // as planned() does
    workers = new Worker[config.concurrency()];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i, clients.home(i, config.nodeCount()), this, clients);
    }
  }

  /**
   * Issues requests from {@code start} until {@code end} (nanoTime). The plan is fixed by the seed:
   * each request goes out at its planned time, or as soon after as a worker is free, so short
   * hiccups are caught up. When the plan is more than {@link #MAX_LAG_NANOS} behind, it restarts
   * from now, as Jepsen's stagger does after every request; a backlog is never fired in a burst. At
   * rate 0 it sends nothing and waits out the time limit, as Maelstrom does.
   */
  public void run(long start, long end) {
    scheduler = Thread.currentThread();
    if (idle) {
      for (long left; (left = end - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(left);
      }
      return;
    }
    long next = start;
    while (true) {
      long now = System.nanoTime();
      long timeoutAt = expire(now);
      if (next >= end) {
        return;
      }
      // Past the end, requests planned before it still go out if they can catch up, so that a run
      // that never slips sends exactly the plan; one that cannot is the plan's last slip.
      if (now >= end && now - next > MAX_LAG_NANOS) {
        slips++;
        slippedNanos += now - next;
        return;
      }
      if (now < next) {
        LockSupport.parkNanos(Math.min(next, timeoutAt) - now);
        continue;
      }
      Worker w = freeWorker();
      if (w == null) {
        awaitingCompletion = true;
        if (freeWorker() == null) { // re-check: a completion may have come before the flag was up
          LockSupport.parkNanos(Math.min(timeoutAt, Math.max(end, next + MAX_LAG_NANOS)) - now);
        }
        awaitingCompletion = false;
        continue;
      }
      if (now - next > MAX_LAG_NANOS) {
        slips++;
        slippedNanos += now - next;
        next = now;
      }
      invoke(w);
      next += stagger.nextGapNanos();
    }
  }

  /**
   * How many requests the plan holds for {@code nanos} of load: what a run sends if it never slips.
   */
  public static long planned(long seed, double rate, long nanos) {
    if (rate == 0) {
      return 0;
    }
    Stagger s = new Stagger(Seeds.requests(seed), rate);
    long n = 0;
    for (long t = 0; t < nanos; t += s.nextGapNanos()) {
      n++;
    }
    return n;
  }

  Live live() {
    return new Live(invoked, okCount.sum(), infoCount.sum(), failCount.sum(), outstanding.get());
  }

  /**
   * Waits until every op has completed or timed out, and returns what the load did.
   *
   * @return the outcome; the ops in it are no longer changed by anyone
   */
  public Outcome drain() {
    scheduler = Thread.currentThread();
    while (outstanding.get() > 0) {
      long now = System.nanoTime();
      long timeoutAt = expire(now);
      awaitingCompletion = true;
      if (outstanding.get() > 0) {
        LockSupport.parkNanos(Math.min(timeoutAt - now, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      awaitingCompletion = false;
    }
    return new Outcome(Collections.unmodifiableList(ops), slips, slippedNanos);
  }

  private Worker freeWorker() {
    int c = workers.length;
    for (int i = 0; i < c; i++) {
      Worker w = workers[(cursor + i) % c];
      if (w.current == null) {
        cursor = (cursor + 1) % c; // Jepsen rotates its starting thread on every op
        return w;
      }
    }
    return null;
  }

  private void invoke(Worker w) {
    // Stamped now, not when the scheduler woke: the worker may have been freed since, and a
    // process's invocation must come after its previous completion in the history.
    Op op = new Op(w.index, w.process, w.node, w.client, w.nextMsgId++, System.nanoTime());
    ops.add(op);
    inFlight.addLast(op);
    outstanding.incrementAndGet();
    invoked = invoked + 1;
    w.current = op;
    clients.send(w, op);
  }

  /** Times out overdue ops; returns when the next one would time out. */
  private long expire(long now) {
    Op head;
    while ((head = inFlight.peekFirst()) != null) {
      if (head.type() != Op.PENDING) {
        inFlight.pollFirst();
      } else if (now - head.invokeAt >= TIMEOUT_NANOS) {
        inFlight.pollFirst();
        clients.timedOut(workers[head.worker], head);
        complete(head, Op.INFO, now, null, "net-timeout", -1, null);
      } else {
        return head.invokeAt + TIMEOUT_NANOS;
      }
    }
    return Long.MAX_VALUE;
  }

  /**
   * Completes {@code op} unless something else already did (a reply, an error, a timeout), from any
   * thread; see {@link Op#complete}.
   */
  public void complete(
      Op op, int type, long at, Object value, String error, int code, String text) {
    complete(op, type, at, value, error, code, text, op.node);
  }

  /**
   * As above, naming the instance that answered ({@link Op#servedBy}).
   *
   * @return whether this call completed it
   */
  public boolean complete(
      Op op, int type, long at, Object value, String error, int code, String text, int servedBy) {
    if (!op.complete(type, at, value, error, code, text, servedBy)) {
      return false;
    }
    Worker w = workers[op.worker];
    if (type == Op.INFO) {
      w.process += workers.length;
    }
    w.node = clients.next(w, type);
    (type == Op.OK ? okCount : type == Op.INFO ? infoCount : failCount).increment();
    w.current = null;
    outstanding.decrementAndGet(); // publishes the fields above to whoever sees the count drop
    if (awaitingCompletion) {
      LockSupport.unpark(scheduler);
    }
    return true;
  }
}
