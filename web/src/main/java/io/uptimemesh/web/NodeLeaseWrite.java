package io.uptimemesh.web;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.EtcdErrors;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Commits what a node reported (endpoint health, replica statuses) on its liveness lease, the way
 * every such report is stored: the transaction checks the node's alive key and the records reported
 * on; when a check fails because the cache was behind etcd, the caller decides again once after
 * catching up; an expired lease is the node's 409, not a 500. Read-your-writes: the answer comes
 * once the cache holds the write.
 */
public final class NodeLeaseWrite {
  /** How long a write waits for the cache to show it. */
  public static final Duration READ_YOUR_WRITES = Duration.ofSeconds(5);

  private NodeLeaseWrite() {}

  /**
   * @param what for the transaction's log line
   * @param retry true on the first attempt: a failed check runs {@code again} once
   * @param conflict the 409 message when a check fails on the second attempt too
   * @param again the caller's second attempt (it reads the caught-up cache)
   * @param written runs once the write is committed (events)
   * @param outcome the answer
   */
  public static <T> Future<T> commit(
      EtcdStore store,
      WatchCache cache,
      EtcdTransaction tx,
      String what,
      String nodeId,
      boolean retry,
      String conflict,
      Supplier<Future<T>> again,
      Runnable written,
      T outcome) {
    return tx.commit(what)
        .recover(
            t ->
                EtcdErrors.code(t).name().equals("NOT_FOUND")
                    // The lease expired between the read and the write.
                    ? Future.failedFuture(notAlive(nodeId))
                    : Future.failedFuture(t))
        .compose(
            rev -> {
              if (rev.isEmpty()) {
                if (!retry) {
                  throw UptimeMeshException.conflict(conflict);
                }
                // The cache was behind etcd: catch up with it and decide again, once.
                return store
                    .revision()
                    .compose(r -> cache.awaitRevision(r, READ_YOUR_WRITES))
                    .compose(v -> again.get());
              }
              written.run();
              return cache.awaitRevision(rev.get(), READ_YOUR_WRITES).map(v -> outcome);
            });
  }

  /** 409: the node has no liveness lease to attach its report to. */
  public static UptimeMeshException notAlive(String nodeId) {
    return UptimeMeshException.conflict(
        "node " + nodeId + " is not alive (no liveness lease): heartbeat first, then report");
  }
}
