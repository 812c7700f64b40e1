package dev.idmint.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConcurrencyTest {
  static final int THREADS = 4;
  static final int PER_THREAD = 150_000;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"COUNTER, false", "COUNTER, true", "SNOWFLAKE, false", "SNOWFLAKE, true"})
  void threadsSharingOneGenerator_getUniqueIdsIncreasingPerThread(Scheme scheme, boolean durable)
      throws Exception {
    IdGenerator gen =
        IdFactory.builder()
            .scheme(scheme)
            .node("n1", List.of("n1", "n2"))
            .stateDir(durable ? dir : null)
            .events(e -> {})
            .build();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(
            pool.submit(
                () -> {
                  long[] ids = new long[PER_THREAD];
                  start.await();
                  for (int i = 0; i < PER_THREAD; i++) {
                    ids[i] = gen.nextLong();
                    if (i > 0 && ids[i] <= ids[i - 1]) {
                      throw new AssertionError(ids[i] + " after " + ids[i - 1] + " on one thread");
                    }
                  }
                  return ids;
                }));
      }
      long[] all = new long[THREADS * PER_THREAD];
      for (int t = 0; t < THREADS; t++) {
        System.arraycopy(futures.get(t).get(), 0, all, t * PER_THREAD, PER_THREAD);
      }
      Arrays.sort(all);
      for (int i = 1; i < all.length; i++) {
        assertTrue(all[i] != all[i - 1], "duplicate " + all[i]);
      }
      if (scheme == Scheme.COUNTER && !durable) {
        assertEquals(all.length - 1, all[all.length - 1], "no gaps without failures");
      }
      if (durable) {
        long next =
            IdFactory.builder()
                .scheme(scheme)
                .node("n1", List.of("n1", "n2"))
                .stateDir(dir)
                .events(e -> {})
                .build()
                .nextLong();
        assertTrue(next > all[all.length - 1], "a restart continues above every ID issued");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
