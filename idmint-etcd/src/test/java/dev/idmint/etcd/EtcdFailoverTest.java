package dev.idmint.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * L3: one etcd member of three down changes nothing visible. A generator issues IDs under a
 * scripted clock that runs 50 ms a batch, so that it commits its time about every 15 batches, while
 * one member is killed, or paused, halfway through: no call fails, and commits go on.
 */
class EtcdFailoverTest {
  enum Fault {
    /** SIGKILL of the leader: the other two elect another. */
    LEADER_KILLED,
    /** SIGKILL of the member the client was talking to. */
    CLIENTS_MEMBER_KILLED,
    /** SIGSTOP of the member the client was talking to: its connections hang. */
    CLIENTS_MEMBER_PAUSED
  }

  @TempDir Path dir;
  EtcdCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    EtcdCluster.requireEtcd();
    cluster = EtcdCluster.start(dir, 3);
  }

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void oneMemberDown_underAStreamOfCommits_changesNothingVisible(Fault fault) throws Exception {
    AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    try (EtcdRegistry registry =
            EtcdRegistry.builder(cluster.url()).fleet("failover").instance("a").build();
        IdGenerator ids =
            IdFactory.builder()
                .scheme(Scheme.SNOWFLAKE)
                .node("a")
                .registry(registry)
                .clock(clock::get)
                .events(e -> {})
                .build()) {
      long[] batch = new long[1000];
      long last = 0;
      long commitsAtFault = -1;
      int member = -1;
      for (int i = 0; i < 240; i++) {
        if (i == 80) {
          commitsAtFault = registry.status().commits();
          member = fault == Fault.LEADER_KILLED ? cluster.leader() : 0;
          assertTrue(member >= 0, "no leader");
          if (fault == Fault.CLIENTS_MEMBER_PAUSED) {
            cluster.pause(member);
          } else {
            cluster.kill(member);
          }
        }
        ids.nextLongs(batch, 0, batch.length); // throws if a commit failed
        assertTrue(batch[0] > last);
        last = batch[batch.length - 1];
        clock.addAndGet(50);
      }
      EtcdRegistry.Status status = registry.status();
      assertEquals(EtcdRegistry.State.HELD, status.state());
      assertEquals(0, status.commitFailures(), "" + status);
      assertTrue(status.commits() - commitsAtFault >= 8, "commits went on: " + status);
      if (fault == Fault.CLIENTS_MEMBER_PAUSED) {
        cluster.resume(member);
      } else {
        cluster.restart(member);
      }
    }
  }
}
