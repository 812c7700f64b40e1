package dev.idmint.harness.check;

import dev.idmint.harness.run.Op;

/**
 * One HTTP instance's requests: the latency of the ok ones, how many were info or fail, and whether
 * its IDs strictly increase in the order it issued them, which the verdict does not depend on.
 *
 * @param info requests it answered with an info (or, without a balancer, sent to it that ended so),
 *     as for fail
 * @param orderViolations ok requests whose ID is not above every ID this instance had already
 *     answered before the request was sent
 * @param firstViolation the earliest-sent such request, or null
 * @param after the ID it should have been above, answered before it was sent
 */
public record Instance(
    String name,
    Quantiles latency,
    int info,
    int fail,
    int orderViolations,
    Op firstViolation,
    Op after) {}
