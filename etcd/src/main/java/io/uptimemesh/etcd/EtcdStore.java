package io.uptimemesh.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to the cluster's keys. Every call goes through {@link EtcdCallPolicy}: it has a
 * deadline, reads are retried on transient failures, writes are not. Keys must come from {@link
 * KeyLayout}; a key outside the cluster's prefix is refused.
 *
 * <p>Every future fails with an {@code UptimeMeshException}: {@code etcd_unavailable} when etcd did
 * not answer, {@code internal} for anything else.
 */
public final class EtcdStore {
  private final KV kv;
  private final Lease leases;
  private final KeyLayout layout;
  private final EtcdCallPolicy calls;
  private final ValueCodec codec = new ValueCodec();

  public EtcdStore(KV kv, Lease leases, KeyLayout layout, EtcdCallPolicy calls) {
    this.kv = kv;
    this.leases = leases;
    this.layout = layout;
    this.calls = calls;
  }

  public KeyLayout layout() {
    return layout;
  }

  /** Yields the value at {@code key}, or empty if there is none. */
  public <T> Future<Optional<Versioned<T>>> get(String key, Class<T> type) {
    ByteSequence k = bytes(checked(key));
    return calls
        .idempotent("get " + key, () -> kv.get(k))
        .map(r -> r.getKvs().stream().findFirst().map(kv -> decode(kv, type)));
  }

  /** Yields every value whose key starts with {@code prefix}, in key order. */
  public <T> Future<List<Versioned<T>>> list(String prefix, Class<T> type) {
    return listRaw(prefix).map(r -> r.getKvs().stream().map(kv -> decode(kv, type)).toList());
  }

  /** The raw range read under {@code prefix}, with the header revision it was read at. */
  public Future<GetResponse> listRaw(String prefix) {
    ByteSequence p = bytes(checked(prefix));
    GetOption option = GetOption.builder().isPrefix(true).build();
    return calls.idempotent("list " + prefix, () -> kv.get(p, option));
  }

  /**
   * A raw read of the keys in [{@code from}, {@code toExclusive}), with further options (revision,
   * sort, limit, keys or count only, minimum create revision). Retried like every read. {@code
   * toExclusive} may be the end of the whole cluster prefix.
   */
  public Future<GetResponse> range(
      String what, String from, String toExclusive, GetOption.Builder options) {
    ByteSequence f = bytes(checked(from));
    if (!layout.owns(toExclusive) && !toExclusive.equals(KeyLayout.prefixEnd(layout.root()))) {
      throw new IllegalArgumentException("range end outside the cluster prefix: " + toExclusive);
    }
    GetOption option = options.withRange(bytes(toExclusive)).build();
    return calls.idempotent(what, () -> kv.get(f, option));
  }

  /** Yields the cluster's current revision, read through quorum. */
  public Future<Long> revision() {
    ByteSequence k = bytes(layout.clusterMeta());
    GetOption option = GetOption.builder().withCountOnly(true).build();
    return calls
        .idempotent("read revision", () -> kv.get(k, option))
        .map(r -> r.getHeader().getRevision());
  }

  /** Writes {@code value} unconditionally; yields the revision of the write. Not retried. */
  public Future<Long> put(String key, Object value) {
    ByteSequence k = bytes(checked(key));
    ByteSequence v = ByteSequence.from(codec.encode(value));
    return calls.once("put " + key, () -> kv.put(k, v)).map(r -> r.getHeader().getRevision());
  }

  /**
   * Creates {@code key} only if it does not exist.
   *
   * @return the revision of the write, or empty if the key already existed (nothing written)
   */
  public Future<Optional<Long>> create(String key, Object value) {
    return swap(key, CmpTarget.createRevision(0), value);
  }

  /**
   * Replaces {@code key} only if its mod revision is still {@code expectedModRevision}.
   *
   * @return the revision of the write, or empty if the key changed meanwhile (nothing written)
   */
  public Future<Optional<Long>> compareAndSwap(String key, long expectedModRevision, Object value) {
    return swap(key, CmpTarget.modRevision(expectedModRevision), value);
  }

  /**
   * Deletes {@code key} only if its mod revision is still {@code expectedModRevision}.
   *
   * @return true if deleted, false if it changed or was already gone
   */
  public Future<Boolean> delete(String key, long expectedModRevision) {
    ByteSequence k = bytes(checked(key));
    return calls
        .once(
            "delete " + key,
            () ->
                kv.txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                    .Then(Op.delete(k, DeleteOption.DEFAULT))
                    .commit())
        .map(r -> r.isSucceeded() && r.getDeleteResponses().get(0).getDeleted() > 0);
  }

  /** Starts a multi-key transaction. */
  public EtcdTransaction transaction() {
    return new EtcdTransaction(kv, layout, calls, codec);
  }

  /** Grants a lease of {@code ttl}; yields its id. Not retried (a retry could grant two). */
  public Future<Long> grantLease(Duration ttl) {
    return calls.once("grant lease", () -> leases.grant(ttl.toSeconds())).map(r -> r.getID());
  }

  /** Revokes a lease: every key on it is deleted at once. Not retried. */
  public Future<Void> revokeLease(long leaseId) {
    return calls.once("revoke lease", () -> leases.revoke(leaseId)).mapEmpty();
  }

  /**
   * Renews a lease once. A keep-alive is not a Raft write, which is why liveness uses leases.
   *
   * @return true if renewed, false if the lease no longer exists (it expired or was revoked)
   */
  public Future<Boolean> keepAlive(long leaseId) {
    return calls
        .idempotent("keep lease alive", () -> leases.keepAliveOnce(leaseId))
        .map(r -> r.getTTL() > 0)
        .recover(
            t ->
                EtcdErrors.code(t) == io.grpc.Status.Code.NOT_FOUND
                    ? Future.succeededFuture(false)
                    : Future.failedFuture(t));
  }

  /**
   * How long a lease has left.
   *
   * @return the remaining time, or empty if the lease no longer exists
   */
  public Future<Optional<Duration>> leaseRemaining(long leaseId) {
    return calls
        .idempotent(
            "read lease",
            () -> leases.timeToLive(leaseId, io.etcd.jetcd.options.LeaseOption.DEFAULT))
        .map(r -> r.getTTL() > 0 ? Optional.of(Duration.ofSeconds(r.getTTL())) : Optional.empty());
  }

  /** Decodes a watch-cache entry like a read from etcd. */
  public <T> Versioned<T> decode(CacheSnapshot.Entry entry, Class<T> type) {
    return new Versioned<>(
        entry.key(),
        codec.decode(entry.key(), entry.value(), type),
        entry.createRevision(),
        entry.modRevision());
  }

  private Future<Optional<Long>> swap(String key, CmpTarget<?> expected, Object value) {
    ByteSequence k = bytes(checked(key));
    ByteSequence v = ByteSequence.from(codec.encode(value));
    return calls
        .once(
            "write " + key,
            () ->
                kv.txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, expected))
                    .Then(Op.put(k, v, PutOption.DEFAULT))
                    .commit())
        .map(r -> r.isSucceeded() ? Optional.of(r.getHeader().getRevision()) : Optional.empty());
  }

  private <T> Versioned<T> decode(KeyValue kv, Class<T> type) {
    String key = kv.getKey().toString(UTF_8);
    return new Versioned<>(
        key,
        codec.decode(key, kv.getValue().getBytes(), type),
        kv.getCreateRevision(),
        kv.getModRevision());
  }

  private String checked(String key) {
    if (!layout.owns(key)) {
      throw new IllegalArgumentException("key outside the cluster prefix: " + key);
    }
    return key;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  /**
   * The call policy every call of this store goes through, for the etcd module's other services.
   */
  public EtcdCallPolicy calls() {
    return calls;
  }
}
