package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.core.identity.NodeStatusRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The nodes of the cluster with their liveness, and revocation. */
public final class NodeService {
  /** Liveness as shown to people: alive (lease held), stale (lease expired), revoked. */
  public enum State {
    ALIVE,
    STALE,
    REVOKED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One row of nodes-status.
   *
   * @param lastHeartbeatMs when the last accepted heartbeat arrived (from the lease of an alive
   *     node), or the last reported status of a stale one; 0 if never
   * @param staleSinceMs since when the leader's stale sweep has seen the node without a lease; 0
   *     when alive or not seen yet
   */
  public record NodeView(NodeRecord node, State state, long lastHeartbeatMs, long staleSinceMs) {}

  private final EtcdStore store;
  private final WatchCache cache;
  private final IdentityConfig config;
  private final HeartbeatService heartbeats;
  private final io.uptimemesh.core.events.Events events;
  private final HeartbeatAges ages;

  public NodeService(
      EtcdStore store,
      WatchCache cache,
      IdentityConfig config,
      HeartbeatService heartbeats,
      io.uptimemesh.core.events.Events events) {
    this.events = events;
    this.store = store;
    this.cache = cache;
    this.config = config;
    this.heartbeats = heartbeats;
    this.ages = new HeartbeatAges(store::leaseRemaining, config.clock(), config.heartbeatTtl());
  }

  /**
   * Every node, in id order. The last heartbeat of an alive node is derived from its lease (the TTL
   * restarts on each keep-alive), so it is right whichever core node took the heartbeat; the lease
   * reads are kept for a second ({@link HeartbeatAges}), so a listing costs etcd nothing.
   */
  public Future<List<NodeView>> list() {
    return list(cache.snapshot());
  }

  /** The same from {@code snapshot} (and the lease reads of its alive nodes). */
  Future<List<NodeView>> list(CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    List<Future<NodeView>> rows = new ArrayList<>();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(keys.nodesPrefix()).values()) {
      NodeRecord node = store.decode(e, NodeRecord.class).value();
      rows.add(view(node, snapshot));
    }
    return Future.all(rows).map(all -> all.<NodeView>list());
  }

  /** One node as the listing shows it; empty if there is no such node. */
  public Future<Optional<NodeView>> get(String nodeId) {
    CacheSnapshot snapshot = cache.snapshot();
    Optional<NodeRecord> node =
        snapshot
            .get(store.layout().node(nodeId))
            .map(e -> store.decode(e, NodeRecord.class).value());
    if (node.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return view(node.get(), snapshot).map(Optional::of);
  }

  /**
   * The node's last reported status (its {@code wireguard}, {@code discovery} and {@code workloads}
   * summaries) and when it was written, from the cache; empty before its agent reported one.
   */
  public Optional<NodeStatusRecord> reportedStatus(String nodeId) {
    return cache
        .snapshot()
        .get(store.layout().nodeStatus(nodeId))
        .map(e -> store.decode(e, NodeStatusRecord.class).value());
  }

  /**
   * Every node with its state and last reported status, from one cache snapshot and nothing else
   * (no lease lookups): alive while its {@code alive} key exists on a lease. For the mesh picture.
   */
  public List<MeshPaths.Node> meshNodes() {
    return meshNodes(cache.snapshot());
  }

  /** The same from {@code snapshot}: a function of it alone. */
  List<MeshPaths.Node> meshNodes(CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    List<MeshPaths.Node> out = new ArrayList<>();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(keys.nodesPrefix()).values()) {
      NodeRecord node = store.decode(e, NodeRecord.class).value();
      State state =
          node.revoked()
              ? State.REVOKED
              : snapshot.get(keys.alive(node.nodeId())).filter(a -> a.lease() != 0).isPresent()
                  ? State.ALIVE
                  : State.STALE;
      Map<String, Object> status =
          snapshot
              .get(keys.nodeStatus(node.nodeId()))
              .map(s -> store.decode(s, NodeStatusRecord.class).value().status())
              .orElse(null);
      out.add(
          new MeshPaths.Node(node.nodeId(), node.name(), node.meshIp(), state.wireName(), status));
    }
    return out;
  }

  /**
   * Whether {@code v}'s state follows from {@code view} alone: not so for a node shown stale
   * because etcd called its lease gone while its alive key is still in the view.
   */
  boolean decidedByView(NodeView v, CacheSnapshot view) {
    return v.state() != State.STALE
        || view.get(store.layout().alive(v.node().nodeId())).filter(a -> a.lease() != 0).isEmpty();
  }

  /** The watch cache's current view; a new object whenever a cached key changed. */
  CacheSnapshot view() {
    return cache.snapshot();
  }

  /** The node's WireGuard registration (public keys, endpoints), from the cache; never secret. */
  public Optional<io.uptimemesh.core.mesh.WireGuardRegistration> wireGuard(String nodeId) {
    return cache
        .snapshot()
        .get(store.layout().nodeWireGuard(nodeId))
        .map(e -> store.decode(e, io.uptimemesh.core.mesh.WireGuardRegistration.class).value());
  }

  /**
   * The WireGuard summary of the node's last reported status ({@code peers_on_primary}, {@code
   * peers_on_secondary}, failovers…), from the cache; empty before its agent reported one.
   */
  public Optional<Object> reportedWireGuard(String nodeId) {
    return cache
        .snapshot()
        .get(store.layout().nodeStatus(nodeId))
        .map(e -> store.decode(e, io.uptimemesh.core.identity.NodeStatusRecord.class).value())
        .map(r -> r.status() == null ? null : r.status().get("wireguard"));
  }

  /** Whether new replicas may go to the node (ADR 0014), from the cache; empty: schedulable. */
  public Optional<io.uptimemesh.core.workload.NodeScheduling> scheduling(String nodeId) {
    return cache
        .snapshot()
        .get(store.layout().nodeScheduling(nodeId))
        .map(e -> store.decode(e, io.uptimemesh.core.workload.NodeScheduling.class).value());
  }

  private Future<NodeView> view(NodeRecord node, CacheSnapshot snapshot) {
    Optional<CacheSnapshot.Entry> alive = snapshot.get(store.layout().alive(node.nodeId()));
    if (node.revoked() || alive.isEmpty() || alive.get().lease() == 0) {
      return Future.succeededFuture(notAlive(node, snapshot));
    }
    return ages.lastRenewal(node.nodeId(), alive.get().lease())
        .map(
            last ->
                last.map(ms -> new NodeView(node, State.ALIVE, ms, 0))
                    .orElseGet(() -> notAlive(node, snapshot)));
  }

  /**
   * A revoked or stale node, with when it last reported and since when it is stale. Only these
   * decode the status document: an alive node's listing row needs neither.
   */
  private NodeView notAlive(NodeRecord node, CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    long reported =
        snapshot
            .get(keys.nodeStatus(node.nodeId()))
            .map(s -> store.decode(s, NodeStatusRecord.class).value().reportedAtMs())
            .orElse(0L);
    long staleSince =
        snapshot
            .get(keys.nodeStale(node.nodeId()))
            .map(s -> store.decode(s, NodeStaleRecord.class).value().sinceMs())
            .orElse(0L);
    return new NodeView(node, node.revoked() ? State.REVOKED : State.STALE, reported, staleSince);
  }

  /**
   * Revokes a node: its certificate is refused from now on, everywhere, and it is no longer alive.
   *
   * @return succeeds once written (also if it was revoked already); 404 if there is no such node
   */
  public Future<NodeRecord> revoke(String nodeId, IdempotencyClaim claim) {
    return revoke(nodeId, claim, io.uptimemesh.core.events.Events.SYSTEM);
  }

  /** Revokes a node; {@code actor} (e.g. {@code user:admin}) is recorded in the event log. */
  public Future<NodeRecord> revoke(String nodeId, IdempotencyClaim claim, String actor) {
    KeyLayout keys = store.layout();
    return store
        .get(keys.node(nodeId), NodeRecord.class)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(UptimeMeshException.notFound("no node " + nodeId));
              }
              if (found.get().value().revoked()) {
                return Future.succeededFuture(found.get().value());
              }
              NodeRecord revoked = found.get().value().asRevoked(config.clock().millis());
              return store
                  .transaction()
                  .requireModRevision(keys.node(nodeId), found.get().modRevision())
                  .put(keys.node(nodeId), revoked)
                  .delete(keys.alive(nodeId))
                  .claim(claim)
                  .commit("revoke " + nodeId)
                  .compose(
                      done ->
                          done.isPresent()
                              ? cache
                                  .awaitRevision(done.get(), IdentityConfig.READ_YOUR_WRITES)
                                  .map(v -> recordRevoked(revoked, actor))
                              : revoke(nodeId, claim, actor)) // changed meanwhile: read again
                  .onSuccess(
                      n -> {
                        heartbeats.forget(nodeId);
                        ages.forget(nodeId);
                      });
            });
  }

  private NodeRecord recordRevoked(NodeRecord node, String actor) {
    events.warning(
        io.uptimemesh.core.events.EventCategory.NODE,
        "revoked",
        actor,
        java.util.Map.of("node_id", node.nodeId(), "name", node.name(), "role", node.role()));
    return node;
  }
}
