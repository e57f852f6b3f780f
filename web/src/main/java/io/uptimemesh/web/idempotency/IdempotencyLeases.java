package io.uptimemesh.web.idempotency;

import io.uptimemesh.etcd.EtcdStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;

/**
 * The leases that end idempotency keys. Granting a lease is a Raft write, so keys share one lease
 * per rotation period instead of one each: a key lives at least the key TTL and at most the TTL
 * plus one period.
 */
final class IdempotencyLeases {
  private final EtcdStore store;
  private final Duration keyTtl;
  private final Duration rotateEvery;
  private final Clock clock;
  private static final long VERIFY_EVERY_MS = 5000;
  private Future<Long> current;
  private long grantedAtMs;
  private long verifiedAtMs;

  IdempotencyLeases(EtcdStore store, Duration keyTtl, Duration rotateEvery, Clock clock) {
    this.store = store;
    this.keyTtl = keyTtl;
    this.rotateEvery = rotateEvery;
    this.clock = clock;
  }

  /**
   * The lease to put a new key on; granted on first use and once per period after. At most every
   * {@value #VERIFY_EVERY_MS} ms it is checked to still exist (a restore brings back the leases of
   * the snapshot's time, not later ones): a key on a missing lease would fail its whole change.
   */
  synchronized Future<Long> lease() {
    long now = clock.millis();
    if (current == null || current.failed() || now - grantedAtMs >= rotateEvery.toMillis()) {
      return grant(now);
    }
    if (current.succeeded() && now - verifiedAtMs >= VERIFY_EVERY_MS) {
      verifiedAtMs = now;
      long id = current.result();
      return store
          .leaseRemaining(id)
          .compose(left -> left.isPresent() ? Future.succeededFuture(id) : regrant(id))
          // The check is a precaution: when it cannot be made, the write goes ahead (a lost
          // lease then fails that one write, and the next request gets a new one).
          .recover(t -> Future.succeededFuture(id));
    }
    return current;
  }

  private synchronized Future<Long> regrant(long lost) {
    // Another request may have replaced it meanwhile.
    if (current != null && current.succeeded() && current.result() != lost) {
      return current;
    }
    return grant(clock.millis());
  }

  private Future<Long> grant(long now) {
    grantedAtMs = now;
    verifiedAtMs = now;
    current = store.grantLease(keyTtl.plus(rotateEvery));
    return current;
  }

  /**
   * Forgets the current lease (etcd lost it, e.g. after a restore): the next key gets a new one.
   */
  synchronized void invalidate() {
    current = null;
  }
}
