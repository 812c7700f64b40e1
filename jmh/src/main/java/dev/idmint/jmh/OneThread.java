package dev.idmint.jmh;

import org.openjdk.jmh.annotations.Threads;

/** Every benchmark in {@link IdBenchmarks} on one thread. */
@Threads(1)
public class OneThread extends IdBenchmarks {}
