package io.uptimemesh.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A multi-key change applied all at once or not at all: conditions on keys (absent, unchanged since
 * a revision), then puts and deletes. Built by {@link EtcdStore#transaction()}; every key must
 * belong to the cluster's prefix. Committed once, never retried (a lost answer may hide a commit):
 * callers re-read and decide.
 */
public final class EtcdTransaction {
  private final KV kv;
  private final KeyLayout layout;
  private final EtcdCallPolicy calls;
  private final ValueCodec codec;
  private final List<Cmp> conditions = new ArrayList<>();
  private final List<Op> operations = new ArrayList<>();
  private IdempotencyClaim claim = IdempotencyClaim.NONE;

  EtcdTransaction(KV kv, KeyLayout layout, EtcdCallPolicy calls, ValueCodec codec) {
    this.kv = kv;
    this.layout = layout;
    this.calls = calls;
    this.codec = codec;
  }

  /** Condition: {@code key} does not exist. */
  public EtcdTransaction requireAbsent(String key) {
    conditions.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
    return this;
  }

  /**
   * Condition: {@code key} was last changed at {@code modRevision} (so nobody changed it since).
   */
  public EtcdTransaction requireModRevision(String key, long modRevision) {
    conditions.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)));
    return this;
  }

  /**
   * Condition: the caller still holds leadership ({@code fence}'s election key exists with the same
   * create revision). Every leader-only write uses it.
   */
  public EtcdTransaction fencedBy(io.uptimemesh.etcd.leader.Fence fence) {
    conditions.add(
        new Cmp(
            bytes(fence.electionKey()),
            Cmp.Op.EQUAL,
            CmpTarget.createRevision(fence.createRevision())));
    return this;
  }

  /**
   * Stores a request's idempotency claim with this change: the claim's key must be absent, and is
   * written on its lease. If it exists already (the same request was applied meanwhile), {@link
   * #commit} fails with a conflict telling the client to retry for the stored answer, rather than
   * reporting the other conditions as failed. {@link IdempotencyClaim#NONE} adds nothing.
   */
  public EtcdTransaction claim(IdempotencyClaim claim) {
    if (claim.isPresent()) {
      if (this.claim.isPresent()) {
        throw new IllegalStateException("one idempotency claim per transaction");
      }
      this.claim = claim;
      requireAbsent(claim.key());
      put(claim.key(), claim.record(), claim.leaseId());
    }
    return this;
  }

  public EtcdTransaction put(String key, Object value) {
    operations.add(Op.put(bytes(key), ByteSequence.from(codec.encode(value)), PutOption.DEFAULT));
    return this;
  }

  /** Puts {@code value} attached to {@code leaseId}: the key vanishes when the lease expires. */
  public EtcdTransaction put(String key, Object value, long leaseId) {
    PutOption withLease = PutOption.builder().withLeaseId(leaseId).build();
    operations.add(Op.put(bytes(key), ByteSequence.from(codec.encode(value)), withLease));
    return this;
  }

  public EtcdTransaction delete(String key) {
    operations.add(Op.delete(bytes(key), DeleteOption.DEFAULT));
    return this;
  }

  /** Deletes every key in [{@code from}, {@code toExclusive}) (one operation, however many). */
  public EtcdTransaction deleteRange(String from, String toExclusive) {
    operations.add(
        Op.delete(bytes(from), DeleteOption.builder().withRange(bytes(toExclusive)).build()));
    return this;
  }

  /**
   * Commits.
   *
   * @param what a few words for error messages, e.g. "join node n1"
   * @return the revision of the change, or empty if a condition did not hold (nothing written);
   *     fails with an {@code UptimeMeshException} when etcd did not answer
   */
  public Future<Optional<Long>> commit(String what) {
    Cmp[] ifs = conditions.toArray(Cmp[]::new);
    Op[] thens = operations.toArray(Op[]::new);
    // When a condition fails, read the claim's key in the same transaction: it tells a request
    // applied meanwhile (under the same key) from a real conflict.
    Op[] elses =
        claim.isPresent()
            ? new Op[] {Op.get(bytes(claim.key()), GetOption.builder().withCountOnly(true).build())}
            : new Op[0];
    return calls
        .once(what, () -> kv.txn().If(ifs).Then(thens).Else(elses).commit())
        .compose(
            r -> {
              if (r.isSucceeded()) {
                claim.committed(r.getHeader().getRevision());
                return Future.succeededFuture(Optional.of(r.getHeader().getRevision()));
              }
              if (claim.isPresent() && r.getGetResponses().get(0).getCount() > 0) {
                return Future.failedFuture(
                    UptimeMeshException.conflict(
                        "a request with this Idempotency-Key was applied meanwhile; send it again"
                            + " to get its answer"));
              }
              return Future.succeededFuture(Optional.<Long>empty());
            });
  }

  private ByteSequence bytes(String key) {
    if (!layout.owns(key)) {
      throw new IllegalArgumentException("key outside the cluster prefix: " + key);
    }
    return EtcdStore.bytes(key);
  }
}
