package dev.idmint.harness.maelstrom;

import dev.idmint.harness.run.ClusterNode;
import dev.idmint.harness.run.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A Maelstrom node's stdin and stdout, as the network uses them: its inbox and writer thread
 * (Maelstrom's per-node stdin thread, which applies latency and partitions at delivery time), and
 * the reader of each of its processes' stdout.
 */
final class NodePipe {
  /**
   * A message on its way to this node: {@code seq} is its message id, {@code fromNode} the sending
   * node's index or {@link Network#FROM_CLIENT} or {@link Network#FROM_SERVICE}, and {@code bytes}
   * the line to write.
   */
  record Msg(long deadline, long seq, int fromNode, byte[] bytes) {}

  static final int MAX_LINE = 16 << 20;

  final ClusterNode node;

  /** The violation that made us stop reading this node's stdout, or null. */
  private volatile Violation deadOutput;

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

  NodePipe(ClusterNode node, Network net) {
    this.node = node;
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
    writer = new Thread(this::writeLoop, "to-" + node.id);
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
    if (!direct
        || node.state != ClusterNode.State.UP
        || queued.get() != 0
        || !node.lock.tryLock()) {
      return false;
    }
    try {
      if (node.state != ClusterNode.State.UP) {
        return false;
      }
      ClusterNode.Proc p = node.proc;
      p.stdin.write(bytes, 0, len);
      p.stdin.flush();
    } catch (IOException e) {
      // lost with the process, whose exit is handled elsewhere
    } finally {
      node.lock.unlock();
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
  boolean writeNow(ClusterNode.Proc p, byte[] bytes) {
    node.lock.lock();
    try {
      p.stdin.write(bytes);
      p.stdin.flush();
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      node.lock.unlock();
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
      if (node.state == ClusterNode.State.UP && !due.isEmpty()) {
        long now = System.nanoTime();
        node.lock.lock();
        try {
          ClusterNode.Proc p = node.proc;
          if (node.state == ClusterNode.State.UP) {
            boolean wrote = false;
            Msg m;
            while ((m = due.peek()) != null && m.deadline <= now) {
              due.poll();
              queued.decrementAndGet();
              if (m.fromNode >= 0 && net.drops(node.index, m.fromNode)) {
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
          node.lock.unlock();
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
  void readLoop(ClusterNode.Proc p) {
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
              net.violations()
                  .report(
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
  private void unterminated(ClusterNode.Proc p, String line) {
    try {
      p.process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!p.expectedExit && !net.stopping()) {
      net.violations()
          .report(
              this,
              "unterminated-line",
              "ended its stdout with a line that has no newline",
              false,
              line);
    }
  }
}
