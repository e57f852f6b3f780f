package io.uptimemesh.etcd.leader;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.lock.LockResponse;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.EtcdErrors;
import io.uptimemesh.etcd.EtcdStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-at-a-time operations across all core nodes (node pruning, snapshots, member changes…), with
 * jetcd's Lock under {@link io.uptimemesh.etcd.KeyLayout#lock(String)}.
 *
 * <p>Each {@link #withLock} call takes its own lease, kept alive while it waits and works: if the
 * holder's process dies, its lease expires within the TTL and the lock is free again. When the lock
 * is not acquired in time the lease is revoked (so the queued claim cannot win later) and the call
 * fails with a 409 naming the operation: work is never dropped silently.
 *
 * <p>A lock only orders operations: the state read before taking it may be outdated once it is
 * held. <b>Callers re-read (double-check) the state they act on inside {@code work}</b>, and make
 * their writes conditional (mod revisions) as usual.
 */
public final class ClusterLock {
  private static final Logger log = LoggerFactory.getLogger(ClusterLock.class);

  private final Vertx vertx;
  private final EtcdStore store;
  private final Lock locks;
  private final io.etcd.jetcd.Lease leases;
  private final Duration leaseTtl;
  private final Duration deadline;

  /**
   * @param leaseTtl how long a crashed holder keeps the lock at most
   * @param deadline the deadline of unlock and revoke calls
   */
  public ClusterLock(
      Vertx vertx, Client client, EtcdStore store, Duration leaseTtl, Duration deadline) {
    if (leaseTtl.toSeconds() < 1) {
      throw new IllegalArgumentException("lock lease TTL must be at least 1 s: " + leaseTtl);
    }
    this.vertx = vertx;
    this.store = store;
    this.locks = client.getLockClient();
    this.leases = client.getLeaseClient();
    this.leaseTtl = leaseTtl;
    this.deadline = deadline;
  }

  /**
   * Runs {@code work} while holding the lock {@code name}, then releases it (also when the work
   * fails).
   *
   * @param name the operation, a key segment such as {@code prune-nodes}
   * @param acquireTimeout how long to wait for another holder
   * @return the work's result; fails with {@code conflict} (409) if the lock was not acquired in
   *     time, {@code etcd_unavailable} if etcd did not answer, or the work's own failure
   */
  public <T> Future<T> withLock(String name, Duration acquireTimeout, Supplier<Future<T>> work) {
    return withFencedLock(name, acquireTimeout, fence -> work.get());
  }

  /**
   * As {@link #withLock}, and hands the work the lock's {@link Fence} (its key and that key's
   * create revision): etcd writes made under the lock add {@code fencedBy(fence)} to their
   * transaction, so they fail if the lock was lost meanwhile (its lease expired while etcd was
   * away), instead of racing another holder.
   */
  public <T> Future<T> withFencedLock(
      String name, Duration acquireTimeout, java.util.function.Function<Fence, Future<T>> work) {
    String lockName = store.layout().lock(name);
    Context context = vertx.getOrCreateContext();
    return store
        .grantLease(leaseTtl)
        .compose(
            lease -> {
              long keeper =
                  vertx.setPeriodic(
                      Math.max(100, leaseTtl.toMillis() / 3),
                      id ->
                          store
                              .keepAlive(lease)
                              .onSuccess(
                                  alive -> {
                                    if (!alive) {
                                      log.warn("lock {}: its lease expired", name);
                                    }
                                  }));
              return acquire(context, lockName, lease, name, acquireTimeout)
                  .compose(
                      held ->
                          runHolding(
                              name,
                              held.key(),
                              () ->
                                  work.apply(
                                      new Fence(
                                          held.key().toString(UTF_8), held.createRevision()))))
                  .eventually(
                      () -> {
                        vertx.cancelTimer(keeper);
                        return bounded(context, leases.revoke(lease)).otherwiseEmpty();
                      });
            });
  }

  /** The lock key this holder got, and its create revision (the fencing token). */
  private record Held(ByteSequence key, long createRevision) {}

  private Future<Held> acquire(
      Context context, String lockName, long lease, String name, Duration timeout) {
    // Waits for the current holder: exempt from the unary deadline (UnaryDeadlineInterceptor);
    // on timeout the lease is revoked, which withdraws the queued claim.
    CompletableFuture<LockResponse> call =
        locks
            .lock(ByteSequence.from(lockName, UTF_8), lease)
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return Future.fromCompletionStage(call, context)
        .recover(
            t ->
                Future.failedFuture(
                    isTimeout(t)
                        ? new UptimeMeshException(
                            ErrorCode.CONFLICT,
                            "another "
                                + name
                                + " is in progress (waited "
                                + timeout.toSeconds()
                                + " s); try again later")
                        : EtcdErrors.toApiError("lock " + name, t)))
        .compose(r -> confirmHeld(name, r.getKey()));
  }

  /** The lock key must still exist: a lease that expired while queued does not hold the lock. */
  private Future<Held> confirmHeld(String name, ByteSequence key) {
    String k = key.toString(UTF_8);
    return store
        .listRaw(k)
        .compose(
            r ->
                r.getKvs().stream()
                    .filter(kv -> kv.getKey().equals(key))
                    .findFirst()
                    .map(kv -> Future.succeededFuture(new Held(key, kv.getCreateRevision())))
                    .orElseGet(
                        () ->
                            Future.<Held>failedFuture(
                                new UptimeMeshException(
                                    ErrorCode.CONFLICT,
                                    "the lock for "
                                        + name
                                        + " was lost while waiting; try again"))));
  }

  private <T> Future<T> runHolding(String name, ByteSequence key, Supplier<Future<T>> work) {
    Future<T> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.eventually(
        () ->
            bounded(vertx.getOrCreateContext(), locks.unlock(key))
                .onFailure(t -> log.debug("unlock {} failed: {}", name, t.getMessage()))
                .otherwiseEmpty());
  }

  private <T> Future<T> bounded(Context context, CompletableFuture<T> call) {
    return Future.fromCompletionStage(
        call.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS), context);
  }

  private static boolean isTimeout(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && !(c instanceof TimeoutException)) {
      c = c.getCause();
    }
    return c instanceof TimeoutException;
  }
}
