package io.uptimemesh.etcd.members;

import io.uptimemesh.etcd.EtcdStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this core server in etcd while it runs: a key on a lease of its own, kept alive (a
 * keep-alive is not a Raft write), gone within the TTL after the server dies and at once when it
 * stops. Agents and clients learn the live core APIs from these keys.
 *
 * <p>All state lives on one Vert.x context: {@link #stop()} is called from the shutdown thread and
 * hops onto it.
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
  private Context context;
  private long timer = -1;
  private long leaseId;
  private boolean announced;
  private Future<Long> announcing;
  private boolean stopped;

  public CorePresence(Vertx vertx, EtcdStore store, CoreServerRecord me, Duration ttl) {
    this.vertx = vertx;
    this.store = store;
    this.me = me;
    this.ttl = ttl;
  }

  /** Starts announcing; returns at once (etcd may not answer yet: it is retried every period). */
  public void start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          tick();
          timer = vertx.setPeriodic(Math.max(500, ttl.toMillis() / 3), id -> tick());
        });
  }

  /**
   * Withdraws the announcement (after an announcement in flight, if any); completes when done or
   * when etcd did not answer.
   */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          stopped = true;
          if (timer >= 0) {
            vertx.cancelTimer(timer);
          }
          Future<?> pending = announcing == null ? Future.succeededFuture() : announcing;
          pending
              .transform(
                  ar ->
                      announced
                          ? store.revokeLease(leaseId).otherwiseEmpty()
                          : Future.<Void>succeededFuture())
              .onComplete(ar -> done.complete());
        });
    return done.future();
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
              if (!alive && !stopped) {
                // The lease expired (etcd was away longer than the TTL, or a restore): again.
                announced = false;
                announce();
              }
            })
        .onFailure(t -> log.debug("keeping core presence alive failed: {}", t.getMessage()));
  }

  private void announce() {
    if (announcing != null) {
      return;
    }
    String key = store.layout().coreServer(me.name());
    announcing =
        store
            .grantLease(ttl)
            .compose(
                lease ->
                    store
                        .transaction()
                        .put(key, me, lease)
                        .commit("announce core server " + me.name())
                        .map(rev -> lease));
    announcing
        .onSuccess(
            lease -> {
              leaseId = lease;
              announced = true;
              log.info("announced core server {} at {}", me.name(), me.apiUrl());
            })
        .onFailure(t -> log.debug("announcing core server failed: {}", t.getMessage()))
        .onComplete(ar -> announcing = null);
  }
}
