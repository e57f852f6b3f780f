package io.uptimemesh.etcd.members;

import io.uptimemesh.etcd.EtcdStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this core server in etcd while it runs: a key on a lease of its own, kept alive (a
 * keep-alive is not a Raft write), gone within the TTL after the server dies and at once when it
 * stops. Agents and clients learn the live core APIs from these keys.
 */
public final class CorePresence {
  private static final Logger log = LoggerFactory.getLogger(CorePresence.class);

  /** What a core server announces. */
  public record CoreServerRecord(
      String name, String apiUrl, String version, String etcdClientUrl, long startedAtMs) {}

  private final Vertx vertx;
  private final EtcdStore store;
  private final CoreServerRecord me;
  private final Duration ttl;
  private long timer = -1;
  private long leaseId;
  private boolean announced;
  private boolean announcing;
  private volatile boolean stopped;

  public CorePresence(Vertx vertx, EtcdStore store, CoreServerRecord me, Duration ttl) {
    this.vertx = vertx;
    this.store = store;
    this.me = me;
    this.ttl = ttl;
  }

  /** Starts announcing; returns at once (etcd may not answer yet: it is retried every period). */
  public void start() {
    vertx.runOnContext(v -> tick());
    timer = vertx.setPeriodic(Math.max(500, ttl.toMillis() / 3), id -> tick());
  }

  /** Withdraws the announcement; completes when done or when etcd did not answer. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (!announced) {
      return Future.succeededFuture();
    }
    return store.revokeLease(leaseId).otherwiseEmpty();
  }

  private void tick() {
    if (stopped) {
      return;
    }
    if (!announced) {
      announce();
      return;
    }
    store
        .keepAlive(leaseId)
        .onSuccess(
            alive -> {
              if (!alive) {
                // The lease expired (etcd was away longer than the TTL, or a restore): again.
                announced = false;
                announce();
              }
            })
        .onFailure(t -> log.debug("keeping core presence alive failed: {}", t.getMessage()));
  }

  private void announce() {
    if (announcing) {
      return;
    }
    announcing = true;
    String key = store.layout().coreServer(me.name());
    store
        .grantLease(ttl)
        .compose(
            lease ->
                store
                    .transaction()
                    .put(key, me, lease)
                    .commit("announce core server " + me.name())
                    .map(rev -> lease))
        .onSuccess(
            lease -> {
              leaseId = lease;
              announced = true;
              if (stopped) {
                store.revokeLease(lease);
              }
              log.info("announced core server {} at {}", me.name(), me.apiUrl());
            })
        .onFailure(t -> log.debug("announcing core server failed: {}", t.getMessage()))
        .onComplete(ar -> announcing = false);
  }
}
