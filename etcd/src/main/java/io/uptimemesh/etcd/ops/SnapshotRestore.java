package io.uptimemesh.etcd.ops;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.etcd.managed.ManagedEtcd;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores this core node's managed, single-member etcd from one of its snapshots: verify the
 * checksum, stop etcd (not as a crash), restore into a new data directory and swap it in ({@link
 * DataDirRestore}), start etcd again, and check that it answers at the snapshot's revision.
 *
 * <p>Refused (409) for an external etcd and for a cluster of more than one member: restoring one
 * member of several would fork the cluster's history. Those follow {@code docs/snapshot-restore.md}
 * with {@code uptimemesh snapshot-restore ID --local} on every core node.
 */
public final class SnapshotRestore {
  private static final Logger log = LoggerFactory.getLogger(SnapshotRestore.class);
  private static final String RUNBOOK =
      "follow docs/snapshot-restore.md: stop every core node's server, run uptimemesh"
          + " snapshot-restore ID --local --initial-cluster ... on each, then start them";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  /**
   * What a restore did.
   *
   * @param previousDataDir where the old data directory was kept
   * @param revision the etcd revision right after the restore (at least the snapshot's)
   */
  public record Result(
      String snapshotId,
      long snapshotRevision,
      long revision,
      String dataDir,
      String previousDataDir,
      long durationMs) {}

  private final Vertx vertx;
  private final Client client;
  private final EtcdStore store;
  private final WatchCache cache;
  private final Optional<ManagedEtcd> managed;
  private final SnapshotStore files;
  private final DataDirRestore dataDirs;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();

  public SnapshotRestore(
      Vertx vertx,
      Client client,
      EtcdStore store,
      WatchCache cache,
      Optional<ManagedEtcd> managed,
      SnapshotStore files,
      Etcdctl etcdctl,
      Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.store = store;
    this.cache = cache;
    this.managed = managed;
    this.files = files;
    this.dataDirs = new DataDirRestore(etcdctl);
    this.clock = clock;
  }

  /**
   * Restores snapshot {@code id}. Works while etcd is down or broken: that is when it is needed.
   *
   * @return what was done; fails with 400 (malformed id), 404 (no such snapshot), 409 (external or
   *     multi-member etcd, corrupt snapshot, a restore already running), or the restore's failure,
   *     in which case etcd runs again on its old data unless the swap itself had happened
   */
  public Future<Result> restore(String id) {
    SnapshotId.validate(id);
    if (managed.isEmpty()) {
      return Future.failedFuture(
          UptimeMeshException.conflict(
              "this core node uses an external etcd (ETCD_ENDPOINTS), which it cannot stop and"
                  + " restore; "
                  + RUNBOOK));
    }
    ManagedEtcd etcd = managed.get();
    if (!running.compareAndSet(false, true)) {
      return Future.failedFuture(
          UptimeMeshException.conflict("a restore is already running on this core node"));
    }
    long t0 = System.nanoTime();
    return vertx
        .executeBlocking(() -> files.verify(id), false)
        .compose(meta -> singleMember(etcd.spec()).map(v -> meta))
        .compose(
            meta -> {
              log.warn("restoring etcd from snapshot {} (revision {})", id, meta.revision());
              // Everything the cache holds is about to be replaced: relist once etcd is back.
              cache.etcdUnreachable();
              EtcdMemberSpec spec = etcd.spec();
              DataDirRestore.Member member =
                  new DataDirRestore.Member(
                      spec.name(),
                      spec.peerUrl(),
                      spec.initialCluster(),
                      Etcdctl.DEFAULT_CLUSTER_TOKEN);
              return etcd.runStopped(
                      () ->
                          dataDirs.restore(
                              files.dataFile(id), spec.dataDir(), member, clock.instant()))
                  .compose(
                      swapped ->
                          answeringRevision()
                              .compose(
                                  rev -> {
                                    cache.etcdReachable();
                                    if (rev < meta.revision()) {
                                      return Future.failedFuture(
                                          new UptimeMeshException(
                                              ErrorCode.INTERNAL,
                                              "etcd answers at revision "
                                                  + rev
                                                  + " after the restore, below the snapshot's "
                                                  + meta.revision()));
                                    }
                                    long ms = (System.nanoTime() - t0) / 1_000_000;
                                    log.warn(
                                        "etcd restored from snapshot {} in {} ms; previous data"
                                            + " kept at {}",
                                        id,
                                        ms,
                                        swapped.previous());
                                    return Future.succeededFuture(
                                        new Result(
                                            id,
                                            meta.revision(),
                                            rev,
                                            swapped.dataDir().toString(),
                                            swapped.previous() == null
                                                ? null
                                                : swapped.previous().toString(),
                                            ms));
                                  }))
                  .onFailure(t -> cache.etcdReachable());
            })
        .andThen(ar -> running.set(false));
  }

  /** Succeeds if the cluster has one member; when etcd does not answer, the spec decides. */
  private Future<Void> singleMember(EtcdMemberSpec spec) {
    if (spec.initialCluster().size() > 1) {
      return Future.failedFuture(multiMember(spec.initialCluster().size()));
    }
    // One attempt, not the retried read: when etcd hangs, retries would only delay the restore
    // that is meant to fix it, and the spec already says how many members were configured.
    return store
        .calls()
        .once("list etcd members", () -> client.getClusterClient().listMember())
        .transform(
            ar -> {
              if (ar.succeeded()) {
                int members = ar.result().getMembers().size();
                return members > 1
                    ? Future.failedFuture(multiMember(members))
                    : Future.succeededFuture();
              }
              // etcd does not answer (the usual reason for a restore). The first core node's spec
              // always says one member, even after others joined: restoring it alone would then
              // fork the cluster. The last view of etcd (the watch cache) knows which core servers
              // ran: more than one means more than one member.
              int coreServers =
                  cache.snapshot().withPrefix(store.layout().coreServersPrefix()).size();
              return coreServers > 1
                  ? Future.failedFuture(
                      UptimeMeshException.conflict(
                          "etcd does not answer and "
                              + coreServers
                              + " core servers were running: restoring this member alone would"
                              + " fork the cluster; "
                              + RUNBOOK))
                  : Future.succeededFuture();
            });
  }

  private static UptimeMeshException multiMember(int members) {
    return UptimeMeshException.conflict(
        "the etcd cluster has "
            + members
            + " members; restoring one of them alone would fork the cluster; "
            + RUNBOOK);
  }

  /** Polls the revision until etcd answers (the client reconnects after the restart). */
  private Future<Long> answeringRevision() {
    Promise<Long> promise = Promise.promise();
    long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    poll(promise, deadline);
    return promise.future();
  }

  private void poll(Promise<Long> promise, long deadline) {
    store
        .revision()
        .onSuccess(promise::complete)
        .onFailure(
            t -> {
              if (System.nanoTime() > deadline) {
                promise.fail(
                    UptimeMeshException.etcdUnavailable(
                        "etcd did not answer within "
                            + ANSWER_TIMEOUT.toSeconds()
                            + " s after the restore",
                        t));
              } else {
                vertx.setTimer(200, id -> poll(promise, deadline));
              }
            });
  }
}
