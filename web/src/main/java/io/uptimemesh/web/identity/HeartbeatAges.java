package io.uptimemesh.web.identity;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * When each alive node's liveness lease was last renewed (its last accepted heartbeat, whichever
 * core node took it), for the node listing and detail. etcd tells it only through a lease's
 * remaining TTL, one request per lease, and the listing used to ask for every alive node on every
 * request: with 200 nodes, 200 etcd requests each time a console page refreshed, and a listing p99
 * far over the 10 ms budget of DESIGN.md §9 (bench/run.sh console).
 *
 * <p>So an answer is kept as the time it implies (read time − (TTL − remaining)), which stays right
 * until the node's next heartbeat, and is read again once it is {@link #MAX_AGE} old: the reader
 * gets the kept time at once and the new read happens behind it, at most one per lease at a time
 * (up to {@link #SERVE_STALE}; an answer older than that is read again before it is given). Only a
 * lease never read here (a node just alive, or alive again with a new lease) waits for etcd. The
 * TTL is whole seconds, so the figure was never finer than a second; it may now also lag a
 * heartbeat by up to {@link #MAX_AGE} plus one read. Whether a node is alive is not decided here
 * but by its {@code alive} key in the watch cache, which etcd deletes when the lease expires.
 */
final class HeartbeatAges {
  /** How old a kept answer may be before a read refreshes it. */
  static final Duration MAX_AGE = Duration.ofSeconds(1);

  /**
   * How old a kept answer may be and still be given while it is refreshed. Older (nobody listed the
   * nodes for a while) it is not given at all: the reader waits for etcd, so a console opened after
   * a quiet spell does not show the ages of minutes ago.
   */
  static final Duration SERVE_STALE = Duration.ofSeconds(3);

  /** A lease's last renewal as read at {@code readAtMs}. */
  private record Known(long lease, Optional<Long> lastRenewalMs, long readAtMs) {}

  private final LongFunction<Future<Optional<Duration>>> remaining;
  private final Clock clock;
  private final long ttlMs;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final Map<Long, Future<Optional<Long>>> reading = new ConcurrentHashMap<>();

  /**
   * @param remaining a lease's remaining TTL from etcd (empty once it expired)
   * @param ttl the TTL leases are granted and renewed with
   */
  HeartbeatAges(LongFunction<Future<Optional<Duration>>> remaining, Clock clock, Duration ttl) {
    this.remaining = remaining;
    this.clock = clock;
    this.ttlMs = ttl.toMillis();
  }

  /**
   * When {@code lease} of {@code nodeId} was last renewed, epoch milliseconds; empty if etcd says
   * the lease is gone. Fails only when the lease was never read here and etcd cannot answer.
   */
  Future<Optional<Long>> lastRenewal(String nodeId, long lease) {
    Known k = known.get(nodeId);
    long age = k == null ? 0 : clock.millis() - k.readAtMs();
    if (k == null || k.lease() != lease || age >= SERVE_STALE.toMillis()) {
      return read(nodeId, lease);
    }
    if (age >= MAX_AGE.toMillis()) {
      read(nodeId, lease); // behind this answer; a failure keeps the old one
    }
    return Future.succeededFuture(k.lastRenewalMs());
  }

  /** Drops what is kept of a node (revoked, or gone from the cluster). */
  void forget(String nodeId) {
    known.remove(nodeId);
  }

  private Future<Optional<Long>> read(String nodeId, long lease) {
    Promise<Optional<Long>> promise = Promise.promise();
    Future<Optional<Long>> already = reading.putIfAbsent(lease, promise.future());
    if (already != null) {
      return already;
    }
    long at = clock.millis();
    remaining
        .apply(lease)
        .map(left -> left.map(d -> at - (ttlMs - d.toMillis())))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().isPresent()) {
                known.merge(
                    nodeId,
                    new Known(lease, ar.result(), at),
                    (old, now) -> old.readAtMs() > now.readAtMs() ? old : now);
              } else if (ar.succeeded()) {
                // Gone is not kept: a heartbeat may renew it at the last moment, and the node must
                // not show stale for a second after that. Until etcd deletes the alive key (at
                // most a moment), each read asks again.
                known.remove(nodeId);
              }
              reading.remove(lease, promise.future());
              promise.handle(ar);
            });
    return promise.future();
  }
}
