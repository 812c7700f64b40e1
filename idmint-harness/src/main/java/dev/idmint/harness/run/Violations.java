package dev.idmint.harness.run;

import dev.idmint.harness.platform.Console;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A run's protocol violations: all counted, the first thousand kept, the first ten told. */
public final class Violations {
  private static final int MAX_NOTICES = 10;
  private static final int MAX_KEPT = 1000;

  private final Console console;
  private final List<Violation> kept = new ArrayList<>();
  private final AtomicLong count = new AtomicLong();

  public Violations(Console console) {
    this.console = console;
  }

  /** Records {@code v}, and tells the user {@code notice} if it is one of the first ten. */
  public void add(Violation v, String notice) {
    long n = count.incrementAndGet();
    synchronized (kept) {
      if (kept.size() < MAX_KEPT) {
        kept.add(v);
      }
    }
    if (n <= MAX_NOTICES) {
      console.println(notice);
    } else if (n == MAX_NOTICES + 1) {
      console.println("idmint test: more protocol violations; see results.json");
    }
  }

  public long count() {
    return count.get();
  }

  public List<Violation> list() {
    synchronized (kept) {
      return List.copyOf(kept);
    }
  }
}
