package dev.idmint.id;

/**
 * How a snowflake or HLC generator's logical clock relates to the wall clock; all zeros for
 * counters.
 *
 * @param leadMillis how far the logical clock (the time in the latest IDs) is ahead of the wall
 *     clock now
 * @param backwardJumps how many times the wall clock was seen going back
 * @param largestJumpMillis the largest of those jumps
 */
public record ClockStats(long leadMillis, long backwardJumps, long largestJumpMillis) {
  static final ClockStats NONE = new ClockStats(0, 0, 0);
}
