package dev.idmint.jmh;

import org.openjdk.jmh.annotations.Threads;

/** Every benchmark in {@link IdBenchmarks} on two threads sharing each generator. */
@Threads(2)
public class TwoThreads extends IdBenchmarks {}
