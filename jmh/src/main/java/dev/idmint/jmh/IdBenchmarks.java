package dev.idmint.jmh;

import com.github.f4b6a3.tsid.TsidFactory;
import com.github.f4b6a3.uuid.UuidCreator;
import dev.idmint.id.Id;
import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.Scheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of one shared generator; {@link OneThread} and {@link TwoThreads} run every method
 * here with 1 and 2 threads. Every generator is shared by the threads, as a node's is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
public abstract class IdBenchmarks {
  private final AtomicLong atomic = new AtomicLong();
  private IdGenerator counter;
  private IdGenerator snowflake;
  private IdGenerator durableCounter;
  private IdGenerator durableSnowflake;
  private IdGenerator hlc;
  private TsidFactory tsid;
  private Path stateDir;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    stateDir = Files.createTempDirectory("idmint-jmh");
    counter = generator(Scheme.COUNTER, null);
    snowflake = generator(Scheme.SNOWFLAKE, null);
    durableCounter = generator(Scheme.COUNTER, stateDir);
    durableSnowflake = generator(Scheme.SNOWFLAKE, stateDir.resolve("snowflake"));
    hlc = generator(Scheme.HLC, null);
    tsid = TsidFactory.newInstance1024(1);
  }

  private static IdGenerator generator(Scheme scheme, Path dir) {
    // The cost of an ID, not the layout's rate: a snowflake worker holds 4,096 IDs a millisecond,
    // and at tens of millions a second the lead bound would soon hold the benchmark to that. A
    // day's lead lets every iteration borrow instead (the warning that it runs ahead is expected).
    return IdFactory.builder()
        .scheme(scheme)
        .node("n1", List.of("n1"))
        .workerId(1)
        .stateDir(dir)
        .maxLead(Duration.ofDays(1))
        .events(event -> {})
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(stateDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The floor: one contended atomic increment. */
  @Benchmark
  public long atomicLong() {
    return atomic.incrementAndGet();
  }

  /** The floor for any ID that reads the wall clock. */
  @Benchmark
  public long wallClock() {
    return System.currentTimeMillis();
  }

  @Benchmark
  public long counterNextLong() {
    return counter.nextLong();
  }

  @Benchmark
  public Id counterNext() {
    return counter.next();
  }

  @Benchmark
  public long counterNextLongDurable() {
    return durableCounter.nextLong();
  }

  @Benchmark
  public long snowflakeNextLong() {
    return snowflake.nextLong();
  }

  @Benchmark
  public Id snowflakeNext() {
    return snowflake.next();
  }

  @Benchmark
  public long snowflakeNextLongDurable() {
    return durableSnowflake.nextLong();
  }

  /** A batch of 1,000 snowflakes per call, reported per ID. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long[] snowflakeNextLongs(Batch batch) {
    snowflake.nextLongs(batch.ids, 0, BATCH);
    return batch.ids;
  }

  @Benchmark
  public long hlcNextLong() {
    return hlc.nextLong();
  }

  @Benchmark
  public Id hlcNext() {
    return hlc.next();
  }

  static final int BATCH = 1000;

  /** Each thread's own array for batches. */
  @State(Scope.Thread)
  public static class Batch {
    final long[] ids = new long[BATCH];
  }

  /** tsid-creator's numeric path: {@code create()} allocates a Tsid, then its long. */
  @Benchmark
  public long tsidCreator() {
    return tsid.create().toLong();
  }

  @Benchmark
  public UUID uuidV7() {
    return UuidCreator.getTimeOrderedEpoch();
  }

  @Benchmark
  public UUID uuidRandom() {
    return UUID.randomUUID();
  }
}
