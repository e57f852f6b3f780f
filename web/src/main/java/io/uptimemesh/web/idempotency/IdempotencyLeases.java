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
  private Future<Long> current;
  private long grantedAtMs;

  IdempotencyLeases(EtcdStore store, Duration keyTtl, Duration rotateEvery, Clock clock) {
    this.store = store;
    this.keyTtl = keyTtl;
    this.rotateEvery = rotateEvery;
    this.clock = clock;
  }

  /** The lease to put a new key on; granted on first use and once per period after. */
  synchronized Future<Long> lease() {
    long now = clock.millis();
    if (current == null || current.failed() || now - grantedAtMs >= rotateEvery.toMillis()) {
      grantedAtMs = now;
      current = store.grantLease(keyTtl.plus(rotateEvery));
    }
    return current;
  }

  /**
   * Forgets the current lease (etcd lost it, e.g. after a restore): the next key gets a new one.
   */
  synchronized void invalidate() {
    current = null;
  }
}
