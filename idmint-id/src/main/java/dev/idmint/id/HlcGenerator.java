package dev.idmint.id;

import static dev.idmint.id.HlcId.LC_BITS;
import static dev.idmint.id.HlcId.MAX_PT;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * HLC IDs from a {@link LogicalClock} whose state is the packed timestamp {@code pt << 18 | lc},
 * with pt in ms since 1970. Issuing is the HLC send rule, {@code max(last + 1, wall << 18)}: a
 * newer wall clock resets lc to 0, otherwise lc grows. Observing and then issuing is the receive
 * rule. An lc past 262,143 carries into the next pt instead of waiting.
 */
final class HlcGenerator implements IdGenerator, LogicalClock.Layout {
  private final String node;
  private final LogicalClock clock;

  HlcGenerator(
      String node,
      LongSupplier wallClock,
      LongSupplier ticker,
      Durable durable,
      Consumer<IdEvent> events,
      LogicalClock.Bound bound) {
    this.node = node;
    this.clock =
        new LogicalClock(
            Scheme.HLC, LC_BITS, 0, MAX_PT, wallClock, ticker, durable, events, bound, this);
  }

  @Override
  public Scheme scheme() {
    return Scheme.HLC;
  }

  /** The packed timestamp {@code pt << 18 | lc}; the node is the same in every ID. */
  @Override
  public long nextLong() {
    return clock.next(1);
  }

  @Override
  public Id next() {
    return idOf(clock.next(1));
  }

  @Override
  public void nextLongs(long[] into, int from, int count) {
    clock.next(into, from, count);
  }

  /** The receive rule: the node does not matter, as the next timestamp is greater anyway. */
  @Override
  public void observe(Id seen) {
    if (!(seen instanceof HlcId h)) {
      throw IdFactory.otherScheme(seen, Scheme.HLC);
    }
    observe(h.packed());
  }

  @Override
  public void observe(long seen) {
    if (seen < 0 || seen > HlcId.pack(MAX_PT, HlcId.MAX_LC)) {
      throw new IllegalArgumentException("not a packed HLC timestamp: " + seen);
    }
    clock.observe(seen, seen >>> LC_BITS);
  }

  @Override
  public ClockStats clockStats() {
    return clock.stats();
  }

  @Override
  public void writeState() {
    clock.writeState();
  }

  @Override
  public void close() {
    clock.close();
  }

  @Override
  public HlcId idOf(long state) {
    return new HlcId(state >>> LC_BITS, state & HlcId.MAX_LC, node);
  }

  @Override
  public String toString() {
    return "HlcGenerator[node="
        + node
        + (clock.store() == null ? "" : ", state=" + clock.store())
        + "]";
  }
}
