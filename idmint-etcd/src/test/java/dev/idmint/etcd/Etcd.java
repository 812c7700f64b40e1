package dev.idmint.etcd;

import dev.idmint.etcd.EtcdClient.Kv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Test helpers on a cluster: raw reads, and waits bounded in time. */
final class Etcd {
  private Etcd() {}

  static EtcdClient client(String url) {
    return new EtcdClient(Endpoints.parse(url), Duration.ofSeconds(10), Duration.ofSeconds(1));
  }

  static String ownerKey(String fleet, int worker) {
    return "/idmint/" + fleet + "/worker/" + String.format(Locale.ROOT, "%04d", worker) + "/owner";
  }

  static String timeKey(String fleet, int worker) {
    return "/idmint/" + fleet + "/worker/" + String.format(Locale.ROOT, "%04d", worker) + "/time";
  }

  /** The value at {@code key}, or null. */
  static String get(EtcdClient etcd, String key) {
    List<Kv> kvs = etcd.range(key, "");
    return kvs.isEmpty() ? null : kvs.get(0).value();
  }

  /** Every key of the fleet, as {@code key=value} lines: for failure messages. */
  static List<String> dump(EtcdClient etcd, String fleet) {
    List<String> lines = new ArrayList<>();
    for (Kv kv : etcd.range("/idmint/" + fleet + "/", "/idmint/" + fleet + "0")) {
      lines.add(kv.key() + "=" + kv.value());
    }
    return lines;
  }

  /**
   * Waits until the worker's owner key is gone, as it goes when its lease runs out: at most 60 s.
   */
  static void awaitFree(EtcdClient etcd, String fleet, int worker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (get(etcd, ownerKey(fleet, worker)) != null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "worker " + worker + " still held after 60 s: " + dump(etcd, fleet));
      }
      Thread.sleep(100);
    }
  }
}
