package io.uptimemesh.web.identity;

import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.web.workload.WorkloadJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;

/**
 * The encoded answer of {@code GET /api/v1/nodes}. With 200 nodes it is ~280 KB built from ~1,000
 * cached documents: 5 ms of the event loop each time, which every console page listing the nodes
 * asked for on every change (bench/run.sh console: 213 listings/s at most, p99 145 ms with 16
 * readers). So one answer serves every reader while the cache view is the same and it is less than
 * {@link #REUSE_MS} old: a change of any cached key (a node joining, going stale, cordoned, a new
 * status) is in the next answer at once; only the heartbeat ages, which {@link HeartbeatAges}
 * already keeps for a second, may lag by {@link #REUSE_MS} more. A listing with a node whose alive
 * key is still there but whose lease etcd called gone is not kept: that state is etcd's, not the
 * view's, and a heartbeat may have renewed the lease at the last moment. Readers that arrive while
 * an answer is being built wait for that one instead of building their own.
 */
final class NodeListing {
  static final long REUSE_MS = 500;

  private record Kept(CacheSnapshot view, long builtAtMs, Future<Buffer> body) {}

  private final NodeService nodes;
  private final LongSupplier clockMs;
  private volatile Kept kept;

  NodeListing(NodeService nodes, LongSupplier clockMs) {
    this.nodes = nodes;
    this.clockMs = clockMs;
  }

  /** The listing's JSON for the current cache view. */
  Future<Buffer> encoded() {
    CacheSnapshot view = nodes.view();
    long now = clockMs.getAsLong();
    Kept k = kept;
    if (k != null && k.view() == view && now - k.builtAtMs() < REUSE_MS && !k.body().failed()) {
      return k.body();
    }
    Promise<Buffer> body = Promise.promise();
    Kept mine = new Kept(view, now, body.future());
    kept = mine;
    nodes
        .list(view)
        .onSuccess(
            list -> {
              if (!list.stream().allMatch(v -> nodes.decidedByView(v, view))) {
                // A row's state came from etcd, not the view: the next reader asks again.
                if (kept == mine) {
                  kept = null;
                }
              }
              body.complete(json(list).toBuffer());
            })
        .onFailure(body::fail);
    return body.future();
  }

  private JsonObject json(java.util.List<NodeService.NodeView> list) {
    JsonArray out = new JsonArray();
    for (NodeService.NodeView v : list) {
      out.add(
          row(nodes, v)
              .put(
                  "reported_wireguard",
                  nodes
                      .reportedWireGuard(v.node().nodeId())
                      .map(IdentityRoutes::objectOrNull)
                      .orElse(null)));
    }
    return new JsonObject().put("nodes", out);
  }

  /** A node as the listing and the detail show it: identity, state, WireGuard, scheduling. */
  static JsonObject row(NodeService nodes, NodeService.NodeView v) {
    String id = v.node().nodeId();
    return IdentityRoutes.nodeJson(v.node())
        .put("state", v.state().wireName())
        .put("last_heartbeat_ms", v.lastHeartbeatMs())
        .put("stale_since_ms", v.staleSinceMs())
        .put("wireguard", IdentityRoutes.wireGuardJson(nodes, id))
        .put("scheduling", WorkloadJson.scheduling(nodes.scheduling(id).orElse(null)));
  }
}
