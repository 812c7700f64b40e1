package dev.idmint.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One node of the cluster across its restarts: its inbox and writer thread (Maelstrom's per-node
 * stdin thread, which applies latency and partitions at delivery time), and its current process.
 */
final class ClusterNode {
  enum State {
    /** Process started, init sent, no init_ok yet: only init is written to it. */
    STARTING,
    UP,
    /** Killed by the nemesis; messages for it wait for the restart. */
    DOWN,
    /** Exited on its own. */
    CRASHED,
    /** Did not answer init. */
    FAILED
  }

  /**
   * A message on its way to this node: {@code seq} is its message id, {@code fromNode} the sending
   * node's index or {@link Network#FROM_CLIENT} or {@link Network#FROM_SERVICE}, and {@code bytes}
   * the line to write.
   */
  record Msg(long deadline, long seq, int fromNode, byte[] bytes) {}

  /** One process of this node. */
  static final class Proc {
    final Process process;
    final OutputStream stdin;
    final int incarnation;

    /** Set before the nemesis or the teardown kills it: its exit is not a crash. */
    volatile boolean expectedExit;

    /** Completed by the first reply to this incarnation's init, or exceptionally when it exits. */
    final CompletableFuture<Envelope.Reply> initReply = new CompletableFuture<>();

    /** With --log-stderr, the thread copying its stderr to the log and the terminal; else null. */
    volatile Thread stderrCopier;

    Proc(Process process, int incarnation) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.incarnation = incarnation;
    }
  }

  static final int MAX_LINE = 16 << 20;

  final int index;
  final String id;
  final Path log;

  /** libfaketime timestamp file, or null without the clock fault. */
  final Path clockFile;

  /** Guards writes to the process's stdin and state changes that stop or start them. */
  final ReentrantLock lock = new ReentrantLock();

  volatile State state = State.STARTING;
  volatile Proc proc;

  /** The violation that made us stop reading this node's stdout, or null. */
  private volatile Violation deadOutput;

  /** Clock offset in ms; the nemesis thread's alone. */
  long clockOffset;

  int starts;

  private final ConcurrentLinkedQueue<Msg> inbox = new ConcurrentLinkedQueue<>();

  /** Messages in the inbox or waiting for their deadline. */
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Whether clients may write to the process directly, saving the writer thread's wake-up. Off once
   * a request to this node timed out: a node that stops reading stdin must block only its own
   * writer thread, never the scheduler.
   */
  private volatile boolean direct = true;

  private final Network net;
  private volatile boolean closed;
  private Thread writer;

  ClusterNode(int index, String id, Path log, Path clockFile, Network net) {
    this.index = index;
    this.id = id;
    this.log = log;
    this.clockFile = clockFile;
    this.net = net;
  }

  /** Whether the harness stopped using this node's stdout after a violation. */
  boolean outputDead() {
    return deadOutput != null;
  }

  /** Stops using this node's stdout, as Maelstrom does after it printed something unreadable. */
  void killOutput(Violation why) {
    if (deadOutput == null) {
      deadOutput = why;
    }
  }

  /**
   * Queues every later client message instead of writing it from the scheduler's thread: a node
   * that stops reading stdin must block only its own writer thread.
   */
  void stopDirectWrites() {
    direct = false;
  }

  void startWriter() {
    writer = new Thread(this::writeLoop, "to-" + id);
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Queues a message; the writer delivers it at its deadline if this node is up and not grudging.
   */
  void enqueue(Msg m) {
    queued.incrementAndGet();
    inbox.add(m);
    LockSupport.unpark(writer);
  }

  /**
   * Writes a client message straight to the process when nothing is queued ahead of it; false if it
   * must be queued instead. A message written to a process that just died is lost with it.
   */
  boolean writeDirect(byte[] bytes, int len) {
    if (!direct || state != State.UP || queued.get() != 0 || !lock.tryLock()) {
      return false;
    }
    try {
      if (state != State.UP) {
        return false;
      }
      Proc p = proc;
      p.stdin.write(bytes, 0, len);
      p.stdin.flush();
    } catch (IOException e) {
      // lost with the process, whose exit is handled elsewhere
    } finally {
      lock.unlock();
    }
    return true;
  }

  /** Wakes the writer, e.g. after the node came up. */
  void wake() {
    LockSupport.unpark(writer);
  }

  void close() {
    closed = true;
    LockSupport.unpark(writer);
  }

  /** Writes {@code bytes} to the current process now, bypassing the queue (init). */
  boolean writeNow(Proc p, byte[] bytes) {
    lock.lock();
    try {
      p.stdin.write(bytes);
      p.stdin.flush();
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void writeLoop() {
    PriorityQueue<Msg> due =
        new PriorityQueue<>(
            (a, b) ->
                a.deadline != b.deadline
                    ? Long.compare(a.deadline, b.deadline)
                    : Long.compare(a.seq, b.seq));
    while (!closed) {
      for (Msg m; (m = inbox.poll()) != null; ) {
        due.add(m);
      }
      long waitNanos = -1; // park until woken
      if (state == State.UP && !due.isEmpty()) {
        long now = System.nanoTime();
        lock.lock();
        try {
          Proc p = proc;
          if (state == State.UP) {
            boolean wrote = false;
            Msg m;
            while ((m = due.peek()) != null && m.deadline <= now) {
              due.poll();
              queued.decrementAndGet();
              if (m.fromNode >= 0 && net.drops(index, m.fromNode)) {
                net.droppedByPartition(m, now);
                continue;
              }
              try {
                p.stdin.write(m.bytes);
                wrote = true;
              } catch (IOException e) {
                continue; // the process is gone; its exit is handled elsewhere
              }
              net.delivered(m, now);
            }
            if (wrote) {
              try {
                p.stdin.flush();
              } catch (IOException e) {
                // as above
              }
            }
            if (m != null) {
              waitNanos = Math.max(1, m.deadline - now);
            }
          }
        } finally {
          lock.unlock();
        }
      }
      if (inbox.isEmpty() && !closed) {
        if (waitNanos < 0) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, waitNanos);
        }
      }
    }
  }

  /** Reads the process's stdout line by line until EOF, handing each line to the network. */
  void readLoop(Proc p) {
    byte[] buf = new byte[1 << 16];
    int start = 0;
    int end = 0;
    boolean skipping = false; // inside an over-long line
    try (InputStream in = p.process.getInputStream()) {
      while (true) {
        if (end == buf.length) {
          if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
          } else if (buf.length < MAX_LINE) {
            buf = java.util.Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
          } else {
            if (!skipping) {
              net.violation(
                  this,
                  "line-too-long",
                  "printed a line longer than " + (MAX_LINE >> 20) + " MiB to stdout",
                  true,
                  new String(buf, 0, 200, java.nio.charset.StandardCharsets.UTF_8));
            }
            skipping = true;
            start = 0;
            end = 0;
          }
        }
        int r = in.read(buf, end, buf.length - end);
        if (r < 0) {
          break;
        }
        int scanFrom = end;
        end += r;
        for (int i = scanFrom; i < end; i++) {
          if (buf[i] == '\n') {
            if (skipping) {
              skipping = false;
            } else {
              net.onLine(this, buf, start, i - start);
            }
            start = i + 1;
          }
        }
        if (start == end) {
          start = 0;
          end = 0;
        }
      }
    } catch (IOException e) {
      // the pipe broke because the process died; same as EOF
    }
    if (end > start && !skipping) {
      unterminated(p, new String(buf, start, end - start, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /**
   * A line left without its newline at EOF. A kill can cut a line; only a line the node left
   * unfinished on its own is its fault.
   */
  private void unterminated(Proc p, String line) {
    try {
      p.process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!p.expectedExit && !net.stopping()) {
      net.violation(
          this,
          "unterminated-line",
          "ended its stdout with a line that has no newline",
          false,
          line);
    }
  }
}
