package io.uptimemesh.etcd.leader;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader job: records since when each node is stale ({@code node-stale/{id}}), so pruning and the
 * UI know how long a node has been gone. A node is stale when its {@code alive/} key (its liveness
 * lease) is absent, revoked or not, as {@code NodeService} shows it. The sweep writes only on
 * transitions: a marker when a node is first seen without a lease, a delete when it is alive again
 * or no longer exists; a steady cluster costs no write (and no read while the watch cache is
 * synced).
 *
 * <p>Each change is one fenced transaction that also checks the state it was decided on (node
 * unchanged, lease still absent/present), so a deposed leader or a race writes nothing.
 */
public final class StaleNodeSweep implements LeaderJob {
  private static final Logger log = LoggerFactory.getLogger(StaleNodeSweep.class);

  private final EtcdStore store;
  private final WatchCache cache;
  private final Duration interval;
  private final Clock clock;

  /**
   * @param cache this core node's watch cache, read while synced; null to always read etcd
   */
  public StaleNodeSweep(EtcdStore store, WatchCache cache, Duration interval, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "stale-sweep";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  /** Runs one sweep; yields the number of markers written or deleted. */
  public Future<Integer> sweep(Fence fence) {
    return view()
        .compose(
            v -> {
              Map<String, Versioned<NodeStaleRecord>> marked =
                  v.marks().stream()
                      .collect(
                          Collectors.toMap(
                              m -> m.value().nodeId(), Function.identity(), (a, b) -> a));
              Set<String> known =
                  v.nodes().stream().map(n -> n.value().nodeId()).collect(Collectors.toSet());
              List<Future<Boolean>> changes = new ArrayList<>();
              long now = clock.millis();
              for (Versioned<NodeRecord> n : v.nodes()) {
                String id = n.value().nodeId();
                if (!v.alive().contains(id) && !marked.containsKey(id)) {
                  changes.add(markStale(fence, n, now));
                }
              }
              for (Versioned<NodeStaleRecord> m : marked.values()) {
                String id = m.value().nodeId();
                if (!known.contains(id) || v.alive().contains(id)) {
                  changes.add(unmark(fence, m));
                }
              }
              return Future.all(changes)
                  .map(c -> (int) c.<Boolean>list().stream().filter(b -> b).count());
            });
  }

  /** What the sweep decides on. */
  private record View(
      List<Versioned<NodeRecord>> nodes,
      Set<String> alive,
      List<Versioned<NodeStaleRecord>> marks) {}

  /**
   * From the watch cache while it follows etcd (no etcd read at all: a lagging view only makes a
   * conditional write fail, retried next interval), else three range reads.
   */
  private Future<View> view() {
    KeyLayout keys = store.layout();
    if (cache != null && cache.synced()) {
      CacheSnapshot snap = cache.snapshot();
      return Future.succeededFuture(
          new View(
              snap.withPrefix(keys.nodesPrefix()).values().stream()
                  .map(e -> store.decode(e, NodeRecord.class))
                  .toList(),
              snap.withPrefix(keys.alivePrefix()).keySet().stream()
                  .map(KeyLayout::lastSegment)
                  .collect(Collectors.toSet()),
              snap.withPrefix(keys.nodeStalePrefix()).values().stream()
                  .map(e -> store.decode(e, NodeStaleRecord.class))
                  .toList()));
    }
    Future<List<Versioned<NodeRecord>>> nodes = store.list(keys.nodesPrefix(), NodeRecord.class);
    Future<Set<String>> alive =
        store
            .listRaw(keys.alivePrefix())
            .map(
                r ->
                    r.getKvs().stream()
                        .map(kv -> KeyLayout.lastSegment(kv.getKey().toString(UTF_8)))
                        .collect(Collectors.toSet()));
    Future<List<Versioned<NodeStaleRecord>>> marks =
        store.list(keys.nodeStalePrefix(), NodeStaleRecord.class);
    return Future.all(nodes, alive, marks)
        .map(all -> new View(nodes.result(), alive.result(), marks.result()));
  }

  @Override
  public Future<Void> run(Fence fence) {
    return sweep(fence)
        .onSuccess(
            n -> {
              if (n > 0) {
                log.info("stale sweep: {} node marker(s) changed", n);
              }
            })
        .mapEmpty();
  }

  private Future<Boolean> markStale(Fence fence, Versioned<NodeRecord> node, long now) {
    KeyLayout keys = store.layout();
    String id = node.value().nodeId();
    return store
        .transaction()
        .fencedBy(fence)
        .requireModRevision(keys.node(id), node.modRevision())
        .requireAbsent(keys.alive(id))
        .requireAbsent(keys.nodeStale(id))
        .put(keys.nodeStale(id), new NodeStaleRecord(id, now))
        .commit("mark node " + id + " stale")
        .map(done -> done.isPresent());
  }

  private Future<Boolean> unmark(Fence fence, Versioned<NodeStaleRecord> marker) {
    KeyLayout keys = store.layout();
    String id = marker.value().nodeId();
    return store
        .transaction()
        .fencedBy(fence)
        .requireModRevision(keys.nodeStale(id), marker.modRevision())
        .delete(keys.nodeStale(id))
        .commit("clear stale mark of " + id)
        .map(done -> done.isPresent());
  }
}
