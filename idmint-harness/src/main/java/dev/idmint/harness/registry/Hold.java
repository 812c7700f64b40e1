package dev.idmint.harness.registry;

/**
 * A worker held by one instance over a stretch of time (nanoTime bounds, from the first look that
 * saw it to the last), as etcd said (its owner key) or as the instance said ({@code /v1/info}).
 *
 * @param revision the owner key's create revision, which names one claim (etcd never gives a key
 *     created again the same one); -1 for what an instance said
 */
public record Hold(int worker, String instance, long from, long to, long revision) {}
