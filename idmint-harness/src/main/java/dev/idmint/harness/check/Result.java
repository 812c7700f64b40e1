package dev.idmint.harness.check;

import java.util.List;

/** All checker results and the verdict. */
public record Result(
    Inputs in,
    int attempted,
    int ok,
    int info,
    int fail,
    Ids ids,
    Validity availability,
    double okFraction,
    Validity stats,
    Latency latency,
    List<Period> periods,
    Validity protocol,
    Validity nodes,
    double achievedRate,
    Validity valid,
    List<String> reasons,
    List<Instance> instances) {}
