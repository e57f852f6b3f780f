package io.uptimemesh.web.cluster;

import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.etcd.leader.ClusterLock;
import io.uptimemesh.etcd.leader.Fence;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Removes nodes that have been gone for good: revoked, or stale (no liveness lease) for longer than
 * {@code leader.prune_after_hours}. How long a node has been stale comes from the leader's stale
 * sweep ({@code node-stale/}); a node the sweep has not marked yet is never pruned.
 *
 * <p>A real run holds the cluster lock {@code prune-nodes} and re-reads everything from etcd after
 * acquiring it (another core node may have pruned or a node may have come back meanwhile). Each
 * node goes with all its keys (node, certificate fingerprint, mesh address, status, liveness, stale
 * mark) in one transaction that also checks the node is unchanged and still has no lease.
 */
public final class NodePruneService {
  /** The lock name: one pruning at a time across all core nodes. */
  public static final String LOCK = "prune-nodes";

  private static final Duration LOCK_WAIT = Duration.ofSeconds(10);
  private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(2);

  /**
   * A node pruning removes (or would remove).
   *
   * @param reason {@code revoked} or {@code stale}
   * @param sinceMs when it was revoked or became stale, epoch milliseconds
   */
  public record Pruned(String nodeId, String name, String role, String reason, long sinceMs) {}

  /** One candidate with the revisions its removal is conditional on. */
  private record Candidate(Versioned<NodeRecord> node, Optional<Versioned<NodeStaleRecord>> mark) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final ClusterLock lock;
  private final Duration pruneAfter;
  private final Clock clock;

  public NodePruneService(
      EtcdStore store, WatchCache cache, ClusterLock lock, Duration pruneAfter, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.lock = lock;
    this.pruneAfter = pruneAfter;
    this.clock = clock;
  }

  public Duration pruneAfter() {
    return pruneAfter;
  }

  /**
   * Prunes, or with {@code dryRun} only lists what a real run would remove (and writes nothing).
   *
   * @return the removed (or removable) nodes, in id order; 409 if another pruning is in progress
   */
  public Future<List<Pruned>> prune(boolean dryRun) {
    if (dryRun) {
      return candidates().map(all -> all.stream().map(this::describe).toList());
    }
    // Double-check after acquiring: candidates are read inside the lock, never before it.
    return lock.withFencedLock(
        LOCK, LOCK_WAIT, fence -> candidates().compose(all -> removeAll(all, fence)));
  }

  private Future<List<Candidate>> candidates() {
    KeyLayout keys = store.layout();
    Future<List<Versioned<NodeRecord>>> nodes = store.list(keys.nodesPrefix(), NodeRecord.class);
    Future<Set<String>> alive =
        store
            .listRaw(keys.alivePrefix())
            .map(
                r ->
                    r.getKvs().stream()
                        .map(
                            kv ->
                                KeyLayout.lastSegment(
                                    kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8)))
                        .collect(Collectors.toSet()));
    Future<List<Versioned<NodeStaleRecord>>> marks =
        store.list(keys.nodeStalePrefix(), NodeStaleRecord.class);
    return Future.all(nodes, alive, marks)
        .map(
            all -> {
              Map<String, Versioned<NodeStaleRecord>> marked =
                  marks.result().stream()
                      .collect(
                          Collectors.toMap(
                              m -> m.value().nodeId(), Function.identity(), (a, b) -> a));
              long cutoff = clock.millis() - pruneAfter.toMillis();
              List<Candidate> out = new ArrayList<>();
              for (Versioned<NodeRecord> n : nodes.result()) {
                NodeRecord node = n.value();
                if (alive.result().contains(node.nodeId())) {
                  continue;
                }
                Optional<Versioned<NodeStaleRecord>> mark =
                    Optional.ofNullable(marked.get(node.nodeId()));
                if (node.revoked() && node.revokedAtMs() <= cutoff) {
                  out.add(new Candidate(n, mark));
                } else if (!node.revoked()
                    && mark.isPresent()
                    && mark.get().value().sinceMs() <= cutoff) {
                  out.add(new Candidate(n, mark));
                }
              }
              return out;
            });
  }

  private Future<List<Pruned>> removeAll(List<Candidate> candidates, Fence fence) {
    List<Future<Optional<Long>>> removals = candidates.stream().map(c -> remove(c, fence)).toList();
    return Future.join(removals)
        .transform(
            ar -> {
              List<Pruned> removed = new ArrayList<>();
              long last = 0;
              for (int i = 0; i < candidates.size(); i++) {
                Future<Optional<Long>> r = removals.get(i);
                if (r.succeeded() && r.result().isPresent()) {
                  removed.add(describe(candidates.get(i)));
                  last = Math.max(last, r.result().get());
                }
              }
              Optional<Throwable> failure =
                  removals.stream().filter(Future::failed).map(Future::cause).findFirst();
              if (failure.isPresent() && removed.isEmpty()) {
                return Future.failedFuture(failure.get());
              }
              // So that the caller's next GET /nodes on this core node no longer lists them.
              return (last == 0
                      ? Future.<Void>succeededFuture()
                      : cache.awaitRevision(last, READ_YOUR_WRITES).otherwiseEmpty())
                  .map(removed);
            });
  }

  private Future<Optional<Long>> remove(Candidate c, Fence fence) {
    KeyLayout keys = store.layout();
    NodeRecord node = c.node().value();
    String id = node.nodeId();
    EtcdTransaction tx =
        store
            .transaction()
            .requireModRevision(keys.node(id), c.node().modRevision())
            .requireAbsent(keys.alive(id))
            // Still holding the prune lock: a lost lock must not race the next holder.
            .fencedBy(fence);
    c.mark().ifPresent(m -> tx.requireModRevision(keys.nodeStale(id), m.modRevision()));
    tx.delete(keys.node(id))
        .delete(keys.nodeStatus(id))
        .delete(keys.alive(id))
        .delete(keys.nodeStale(id));
    if (node.certFingerprint() != null && !node.certFingerprint().isEmpty()) {
      tx.delete(keys.fingerprint(node.certFingerprint()));
    }
    if (node.meshIp() != null && !node.meshIp().isEmpty()) {
      tx.delete(keys.meshIp(node.meshIp()));
    }
    return tx.commit("prune node " + id);
  }

  private Pruned describe(Candidate c) {
    NodeRecord n = c.node().value();
    boolean revoked = n.revoked();
    long since = revoked ? n.revokedAtMs() : c.mark().map(m -> m.value().sinceMs()).orElse(0L);
    return new Pruned(n.nodeId(), n.name(), n.role(), revoked ? "revoked" : "stale", since);
  }
}
