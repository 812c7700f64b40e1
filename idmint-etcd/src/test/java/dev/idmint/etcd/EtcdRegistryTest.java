package dev.idmint.etcd;

import dev.idmint.id.Registry;
import dev.idmint.id.RegistryContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd against the registry contract, on a real 3-member cluster; each test in a fleet of its own.
 */
class EtcdRegistryTest extends RegistryContract {
  @TempDir static Path dir;
  static EtcdCluster cluster;
  private static final AtomicInteger FLEETS = new AtomicInteger();

  private String fleet;
  private final AtomicInteger instances = new AtomicInteger();

  @BeforeAll
  static void startCluster() throws Exception {
    EtcdCluster.requireEtcd();
    cluster = EtcdCluster.start(dir, 3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void newFleet() {
    fleet = "contract-" + FLEETS.incrementAndGet();
  }

  /** Another instance of the fleet, as another process would be. */
  @Override
  protected Registry registry() {
    return closeAfter(
        EtcdRegistry.builder(cluster.url())
            .fleet(fleet)
            .instance("i" + instances.incrementAndGet())
            .ttl(Duration.ofSeconds(2))
            .build());
  }

  @Override
  protected boolean choosesWorkers() {
    return true;
  }

  @Override
  protected boolean keepsNodes() {
    return false;
  }

  /** Revokes the claim's lease behind its back: its owner key goes, as when the TTL runs out. */
  @Override
  protected void takeAway(Registry.Claim claim) {
    EtcdClient etcd =
        new EtcdClient(
            Endpoints.parse(cluster.url()), Duration.ofSeconds(5), Duration.ofSeconds(1));
    etcd.revoke(((EtcdClaim) claim).leaseId());
  }
}
