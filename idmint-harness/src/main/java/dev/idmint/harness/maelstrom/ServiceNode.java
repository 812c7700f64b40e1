package dev.idmint.harness.maelstrom;

import dev.idmint.harness.json.Json;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One of Maelstrom's services on the network: requests wait out their latency in an inbox, then its
 * one thread handles them in turn and sends the replies back through the network, as Maelstrom's
 * service thread does. Services are never partitioned.
 */
final class ServiceNode {
  /** A request on its way to the service. */
  record Request(long deadline, long id, String src, Map<String, Object> body) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Request r = (Request) o;
      return deadline != r.deadline ? Long.compare(deadline, r.deadline) : Long.compare(id, r.id);
    }
  }

  /** What a service did in a run. */
  record Stats(String name, long requests, long unhandled, String firstUnhandled) {}

  final String name;

  /** Draws for the service's own choices (seq-kv's past state, lww-kv's replica). */
  final SplittableRandom random;

  private final MaelstromServices service;
  private final Network net;
  private final DelayQueue<Request> inbox = new DelayQueue<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong unhandled = new AtomicLong();
  private volatile String firstUnhandled;
  private volatile boolean closed;
  private Thread thread;

  ServiceNode(String name, long seed, Network net) {
    this.name = name;
    this.random = new SplittableRandom(seed);
    this.service = MaelstromServices.create(name, random.split());
    this.net = net;
  }

  void start() {
    thread = new Thread(this::loop, "service-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  void enqueue(Request r) {
    inbox.add(r);
  }

  void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  Stats stats() {
    return new Stats(name, requests.get(), unhandled.get(), firstUnhandled);
  }

  private void loop() {
    while (!closed) {
      Request r;
      try {
        r = inbox.take();
      } catch (InterruptedException e) {
        return;
      }
      requests.incrementAndGet();
      net.deliveredToService(this, r);
      Map<String, Object> reply;
      try {
        reply = service.handle(r.src(), r.body());
      } catch (MaelstromServices.Unhandled e) {
        if (unhandled.getAndIncrement() == 0) {
          firstUnhandled = r.src() + " sent " + Json.toJson(r.body()) + ": " + e.getMessage();
        }
        net.serviceIgnored(this, r.src(), e.getMessage(), r.body());
        continue;
      }
      reply.put("in_reply_to", MaelstromServices.field(r.body(), "msg_id"));
      net.sendFromService(this, r.src(), reply);
    }
  }
}
