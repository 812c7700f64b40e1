package dev.idmint.harness.registry;

import dev.idmint.harness.config.Config;
import dev.idmint.harness.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Looks every 100 ms at who holds which worker: one range read of the fleet's keys in etcd ({@code
 * /idmint/<fleet>/worker/}, as docs/registry.md lays them out), and {@code GET /v1/info} on each
 * instance's own port (not through its proxy, so a partition does not hide it). A service that uses
 * other keys, or has no {@code /v1/info}, shows only in the other half, or not at all.
 */
public final class Sampler {
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Answers without a worker field in a row before an instance is taken to have none. */
  static final int NO_INFO_STRIKES = 3;

  private final Etcd etcd;
  private final Config.Registry registry;
  private final String prefix;
  private final List<String> instances;
  private final int[] ports;
  private final Timeline timeline = new Timeline();

  /** Per instance: 1 while its poll is out, so that a paused one has one poll out at most. */
  private final AtomicIntegerArray pending;

  /** Per instance: answers without a worker field in a row. */
  private final AtomicIntegerArray strikes;

  private final Thread thread;
  private volatile boolean stopped;
  private Holdings result;

  private Sampler(Etcd etcd, Config.Registry registry, List<String> instances, int[] ports) {
    this.etcd = etcd;
    this.registry = registry;
    this.prefix = "/idmint/" + registry.fleet() + "/worker/";
    this.instances = List.copyOf(instances);
    this.ports = ports.clone();
    this.pending = new AtomicIntegerArray(ports.length);
    this.strikes = new AtomicIntegerArray(ports.length);
    this.thread = new Thread(this::run, "registry-sampler");
    thread.setDaemon(true);
  }

  /**
   * Starts looking, before the instances start, so that their first claims are seen.
   *
   * @param ports each instance's own port, in the order of {@code instances}
   */
  public static Sampler start(
      Etcd etcd, Config.Registry registry, List<String> instances, int[] ports) {
    Sampler s = new Sampler(etcd, registry, instances, ports);
    s.thread.start();
    return s;
  }

  private void run() {
    long next = System.nanoTime();
    while (!stopped) {
      for (int i = 0; i < ports.length; i++) {
        if (strikes.get(i) < NO_INFO_STRIKES && pending.compareAndSet(i, 0, 1)) {
          askInfo(i);
        }
      }
      readEtcd();
      next += PERIOD_NANOS;
      for (long left; !stopped && (left = next - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(this, left);
      }
      next = Math.max(next, System.nanoTime() - PERIOD_NANOS); // after a slow read, no burst
    }
  }

  private void askInfo(int i) {
    etcd.gateway()
        .get(ports[i], "/v1/info")
        .whenComplete(
            (answer, failure) -> {
              long at = System.nanoTime();
              if (failure != null) {
                timeline.infoFailed(instances.get(i)); // down, paused, or not serving yet
              } else {
                int w = worker(answer.statusCode(), answer.body());
                if (w == NO_WORKER_FIELD) {
                  strikes.incrementAndGet(i);
                  timeline.infoFailed(instances.get(i));
                } else {
                  strikes.set(i, 0);
                  timeline.info(at, instances.get(i), w);
                }
              }
              pending.set(i, 0);
            });
  }

  /** What {@link #worker} says of an answer that does not name a worker at all. */
  static final int NO_WORKER_FIELD = -2;

  /**
   * The worker an instance's {@code /v1/info} says it holds: {@code worker} (at the top, or in a
   * {@code registry} object), held unless a {@code state} string (the registry's, or at the top)
   * says otherwise; -1 for none, {@link #NO_WORKER_FIELD} if the answer has no worker field.
   */
  static int worker(int status, String body) {
    if (status != 200) {
      return status == 404 ? NO_WORKER_FIELD : -1;
    }
    Map<?, ?> info;
    try {
      info = Json.parse(body) instanceof Map<?, ?> m ? m : Map.of();
    } catch (Json.ParseException e) {
      return NO_WORKER_FIELD;
    }
    Map<?, ?> reg = info.get("registry") instanceof Map<?, ?> r ? r : Map.of();
    Object w = info.containsKey("worker") ? info.get("worker") : reg.get("worker");
    if (!info.containsKey("worker") && !reg.containsKey("worker")) {
      return NO_WORKER_FIELD;
    }
    Object state = reg.get("state") instanceof String s ? s : info.get("state");
    boolean held = !(state instanceof String s) || s.equals("held");
    return w instanceof Long n && n >= 0 && n < Integer.MAX_VALUE && held ? n.intValue() : -1;
  }

  private void readEtcd() {
    long at = System.nanoTime();
    List<Gateway.Kv> kvs;
    try {
      kvs = etcd.range(prefix);
    } catch (IOException e) {
      timeline.etcdFailed(); // no member answered: a quorum lost, for a moment
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Map<Integer, Timeline.Owner> owners = new TreeMap<>();
    Map<Integer, String> times = new TreeMap<>();
    for (Gateway.Kv kv : kvs) {
      String[] rest = kv.key().substring(prefix.length()).split("/", 2);
      int w;
      try {
        w = Integer.parseInt(rest[0]);
      } catch (NumberFormatException e) {
        continue; // not a worker's key
      }
      if (rest.length == 2 && rest[1].equals("owner")) {
        owners.put(w, new Timeline.Owner(field(kv.value(), "instance"), kv.createRevision()));
      } else if (rest.length == 2 && rest[1].equals("time")) {
        times.put(w, field(kv.value(), "time"));
      }
    }
    timeline.etcd(at, owners, times);
  }

  /**
   * A {@code name=value} field of a record as docs/registry.md writes them ({@code idmint-owner v=1
   * instance=n1}), or the whole value, shortened, if it has no such field.
   */
  static String field(String value, String name) {
    for (String token : value.split(" ")) {
      if (token.startsWith(name + "=")) {
        return token.substring(name.length() + 1);
      }
    }
    return value.length() > 40 ? value.substring(0, 40) + "…" : value;
  }

  /** Stops looking (idempotent) and gives what was seen. */
  public synchronized Holdings stop() {
    if (result == null) {
      stopped = true;
      LockSupport.unpark(thread);
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Timeline.Snapshot s = timeline.snapshot();
      List<String> noInfo = new ArrayList<>();
      for (int i = 0; i < ports.length; i++) {
        if (strikes.get(i) >= NO_INFO_STRIKES) {
          noInfo.add(instances.get(i));
        }
      }
      result =
          new Holdings(
              registry.fleet(),
              etcd.url(),
              registry.workerIds(),
              registry.ttlMs(),
              s.etcd(),
              s.info(),
              s.times(),
              s.etcdReads(),
              s.etcdFailures(),
              s.infoAnswers(),
              noInfo,
              etcd.failure());
    }
    return result;
  }
}
