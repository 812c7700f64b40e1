package dev.idmint.etcd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests on one real 3-member cluster per class, each test in a fleet of its own; what a test opens
 * is closed after it, last first.
 */
abstract class OnCluster {
  @TempDir static Path dir;
  static EtcdCluster cluster;
  static EtcdClient raw;
  private static final AtomicInteger FLEETS = new AtomicInteger();

  private final List<AutoCloseable> opened = new ArrayList<>();
  String fleet;

  @BeforeAll
  static void startCluster() throws Exception {
    EtcdCluster.requireEtcd();
    cluster = EtcdCluster.start(dir, 3);
    raw = Etcd.client(cluster.url());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @BeforeEach
  void newFleet() {
    fleet = getClass().getSimpleName().toLowerCase(Locale.ROOT) + "-" + FLEETS.incrementAndGet();
  }

  @AfterEach
  void closeOpened() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  <T extends AutoCloseable> T open(T c) {
    opened.add(c);
    return c;
  }
}
