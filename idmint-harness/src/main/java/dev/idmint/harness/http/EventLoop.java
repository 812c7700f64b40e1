package dev.idmint.harness.http;

import dev.idmint.harness.platform.Console;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * One thread with a selector, for the HTTP mode's sockets. Each key's attachment is a {@link
 * Handler} that runs on this thread; other threads hand it work with {@link #execute}.
 */
final class EventLoop {
  /** What a selection key's attachment does when the key is ready. */
  interface Handler {
    void ready(SelectionKey key) throws IOException;
  }

  private record Timer(long deadline, long seq, Runnable task) {}

  private final Selector selector;
  private final Thread thread;
  private final Console console;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** Timers by deadline; the loop's alone. */
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.deadline != b.deadline
                  ? Long.compare(a.deadline, b.deadline)
                  : Long.compare(a.seq, b.seq));

  private long timerSeq;
  private volatile boolean closed;

  EventLoop(String name, Console console) throws IOException {
    this.selector = Selector.open();
    this.console = console;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  Selector selector() {
    return selector;
  }

  /** Runs {@code task} on the loop soon. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Runs {@code task} on the loop and waits until it has run; once closed, runs it here. */
  void call(Runnable task) {
    if (Thread.currentThread() == thread || closed || !thread.isAlive()) {
      task.run();
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    execute(
        () -> {
          try {
            task.run();
          } finally {
            done.countDown();
          }
        });
    try {
      while (!done.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (!thread.isAlive()) { // closed meanwhile: its queue will not be run
          task.run();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code task} on the loop at {@code deadline} (nanoTime); from the loop's thread only. */
  void at(long deadline, Runnable task) {
    timers.add(new Timer(deadline, timerSeq++, task));
  }

  /** Stops the loop and closes every channel registered with it. */
  void close() {
    closed = true;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!closed) {
        long timeoutMs = 0; // 0 blocks until woken
        Timer first = timers.peek();
        if (first != null) {
          long left = first.deadline - System.nanoTime();
          timeoutMs = left <= 0 ? -1 : Math.max(1, (left + 999_999) / 1_000_000);
        }
        if (timeoutMs < 0) {
          selector.selectNow(this::dispatch);
        } else {
          selector.select(this::dispatch, timeoutMs);
        }
        for (Runnable r; (r = tasks.poll()) != null; ) {
          guarded(r);
        }
        long now = System.nanoTime();
        for (Timer t; (t = timers.peek()) != null && t.deadline <= now; ) {
          timers.poll();
          guarded(t.task);
        }
      }
    } catch (IOException | RuntimeException e) {
      console.println("\nidmint test: " + thread.getName() + " failed (a bug in idmint): " + e);
    } finally {
      for (SelectionKey k : selector.keys()) {
        try {
          k.channel().close();
        } catch (IOException e) {
          // closing anyway
        }
      }
      try {
        selector.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void dispatch(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    try {
      ((Handler) key.attachment()).ready(key);
    } catch (IOException e) {
      try {
        key.channel().close(); // a handler that lets an IOException out is done with its channel
      } catch (IOException x) {
        // closing anyway
      }
    } catch (RuntimeException e) {
      internalError(e);
    }
  }

  private void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      internalError(e);
    }
  }

  private void internalError(RuntimeException e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    console.println("\nidmint test: internal error on " + thread.getName() + " (a bug):\n" + w);
  }
}
