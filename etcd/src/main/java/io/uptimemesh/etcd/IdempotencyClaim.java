package io.uptimemesh.etcd;

import io.uptimemesh.core.idempotency.IdempotencyRecord;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request's claim on its {@code Idempotency-Key}, carried from the HTTP layer to the transaction
 * that applies the request's change. {@link EtcdTransaction#claim} adds it to that transaction: the
 * key must not exist yet, and is written on its lease together with the change, so a change and its
 * key are stored all at once or not at all, and a repeated request can never apply it twice.
 *
 * <p>{@link #NONE} stands for a request without a key; transactions ignore it.
 */
public final class IdempotencyClaim {
  /** No key was sent: nothing to claim. */
  public static final IdempotencyClaim NONE = new IdempotencyClaim(null, 0, null);

  private final String key;
  private final long leaseId;
  private final IdempotencyRecord record;
  private final AtomicLong committedAt = new AtomicLong();

  /**
   * @param key the etcd key, from {@link KeyLayout#idempotency}
   * @param leaseId the lease that ends the key's life
   * @param record the claim to store with the change
   */
  public IdempotencyClaim(String key, long leaseId, IdempotencyRecord record) {
    this.key = key;
    this.leaseId = leaseId;
    this.record = record;
  }

  public boolean isPresent() {
    return key != null;
  }

  public String key() {
    return Objects.requireNonNull(key, "no idempotency key");
  }

  public long leaseId() {
    return leaseId;
  }

  public IdempotencyRecord record() {
    return record;
  }

  /** The revision of the transaction that stored this claim with its change, if one did. */
  public OptionalLong committedRevision() {
    long rev = committedAt.get();
    return rev == 0 ? OptionalLong.empty() : OptionalLong.of(rev);
  }

  void committed(long revision) {
    committedAt.set(revision);
  }

  @Override
  public String toString() {
    return isPresent() ? "IdempotencyClaim[" + key + "]" : "IdempotencyClaim.NONE";
  }
}
