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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConcurrencyTest {
  static final int THREADS = 4;
  static final int PER_THREAD = 150_000;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "COUNTER, false, false, false",
    "COUNTER, true, false, false",
    "COUNTER, true, true, false",
    "SNOWFLAKE, false, false, false",
    "SNOWFLAKE, true, false, false",
    "SNOWFLAKE, true, true, false",
    "HLC, false, false, false",
    "HLC, true, false, false",
    "HLC, false, true, false",
    "SNOWFLAKE, true, false, true",
    "HLC, true, true, true"
  })
  void threadsSharingOneGenerator_getUniqueIdsIncreasingPerThread(
      Scheme scheme, boolean durable, boolean batches, boolean renewalExecutor) throws Exception {
    ExecutorService renewer = Executors.newSingleThreadExecutor();
    IdFactory.Builder b =
        IdFactory.builder()
            .scheme(scheme)
            .node("n1", List.of("n1", "n2"))
            .stateDir(durable ? dir : null)
            .events(e -> {});
    if (renewalExecutor) {
      b.renewalExecutor(renewer);
    }
    IdGenerator gen = b.build();
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
                  java.util.Random rnd = new java.util.Random(ids.length);
                  for (int i = 0; i < PER_THREAD; ) {
                    int count = batches ? Math.min(1 + rnd.nextInt(300), PER_THREAD - i) : 1;
                    if (count == 1) {
                      ids[i] = gen.nextLong();
                    } else {
                      gen.nextLongs(ids, i, count);
                    }
                    for (int j = Math.max(1, i); j < i + count; j++) {
                      if (ids[j] <= ids[j - 1]) {
                        throw new AssertionError(
                            ids[j] + " after " + ids[j - 1] + " on one thread");
                      }
                    }
                    i += count;
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
      if (scheme == Scheme.COUNTER && !durable && !batches) {
        assertEquals(all.length - 1, all[all.length - 1], "no gaps without failures");
      }
      if (durable) {
        renewer.shutdown(); // the generator is dropped, as in a crash; its renewal may finish
        assertTrue(renewer.awaitTermination(10, TimeUnit.SECONDS));
        gen.close(); // writes nothing: only the lock goes, as with a crash
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
      renewer.shutdownNow();
    }
  }
}
