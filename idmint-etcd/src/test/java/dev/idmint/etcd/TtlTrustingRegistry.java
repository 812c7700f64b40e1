package dev.idmint.etcd;

import dev.idmint.id.Registry;
import dev.idmint.id.Scheme;
import java.util.OptionalLong;

/**
 * A broken registry, kept to prove that the takeover tests catch what they are meant to: it trusts
 * the lease instead of fencing with the worker's time. {@link Flaw#TIME_DOES_NOT_TRAVEL}: a new
 * holder does not start after the last committed time, only after its own clock. {@link
 * Flaw#UNCONDITIONAL_RENEWAL}: a holder's commits succeed whether or not it still owns the worker,
 * so a paused holder goes on issuing after its lease ran out. Each is what a design that relies on
 * the TTL alone does.
 */
public final class TtlTrustingRegistry implements Registry {
  /** The two ways to trust a lease. */
  public enum Flaw {
    TIME_DOES_NOT_TRAVEL,
    UNCONDITIONAL_RENEWAL
  }

  private final EtcdRegistry etcd;
  private final Flaw flaw;

  public TtlTrustingRegistry(EtcdRegistry etcd, Flaw flaw) {
    this.etcd = etcd;
    this.flaw = flaw;
  }

  @Override
  public Registry.Claim claim(Scheme scheme, String node, int worker) {
    EtcdClaim claim = etcd.claim(scheme, node, worker);
    return new Registry.Claim() {
      @Override
      public int worker() {
        return claim.worker();
      }

      @Override
      public String where() {
        return claim.where() + " (TTL-trusting: " + flaw + ")";
      }

      @Override
      public OptionalLong committed() {
        return flaw == Flaw.TIME_DOES_NOT_TRAVEL ? OptionalLong.empty() : claim.committed();
      }

      @Override
      public void commit(long mark) {
        if (flaw != Flaw.UNCONDITIONAL_RENEWAL) {
          claim.commit(mark);
          return;
        }
        int w = claim.worker();
        etcd.client()
            .txn(
                new EtcdClient.Txn()
                    .put(
                        etcd.timeKey(w),
                        new WorkerRecord(w, mark, etcd.instance(), false).format(),
                        0));
      }

      @Override
      public void close() {
        claim.close();
      }
    };
  }
}
