package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.web.Responses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's Node detail and Network pages read these (logged in):
 *
 * <ul>
 *   <li>{@code GET /api/v1/nodes/{id}}: one node as the listing shows it, with its WireGuard
 *       registration (public keys and endpoints only) and its whole last reported status, including
 *       the per-peer {@code wireguard.paths}; 404 for an unknown node;
 *   <li>{@code GET /api/v1/mesh/paths}: every node with its state, and every link as each end
 *       reports it ({@link MeshPaths}).
 * </ul>
 *
 * Both read the watch cache; the node's heartbeat age comes from its lease like in the listing.
 */
final class NodeDetailRoutes {
  private final NodeService nodes;
  private volatile Encoded mesh;

  NodeDetailRoutes(NodeService nodes) {
    this.nodes = nodes;
  }

  void addRoutes(Router router, Handler<RoutingContext> loggedIn) {
    router.get("/api/v1/nodes/:id").handler(loggedIn).handler(this::show);
    router.get("/api/v1/mesh/paths").handler(loggedIn).handler(this::paths);
  }

  private void show(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    nodes
        .get(id)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                ctx.fail(UptimeMeshException.notFound("no node with id " + id));
                return;
              }
              JsonObject out = NodeListing.row(nodes, found.get());
              nodes
                  .reportedStatus(id)
                  .ifPresent(
                      s ->
                          out.put("reported_at_ms", s.reportedAtMs())
                              .put(
                                  "status",
                                  s.status() == null ? null : new JsonObject(s.status())));
              Responses.json(ctx, 200, out);
            })
        .onFailure(ctx::fail);
  }

  /**
   * The mesh is a function of the cache view alone, and the view is replaced only when a cached key
   * changes, which heartbeats of unchanged statuses never do: so its encoded answer is kept for as
   * long as the view is the same (bench/run.sh console: 200 nodes of 4 peers are ~200 KB, encoded
   * afresh for every console refresh they cost the event loop milliseconds each).
   */
  private void paths(RoutingContext ctx) {
    CacheSnapshot view = nodes.view();
    Encoded kept = mesh;
    if (kept == null || kept.view() != view) {
      kept = new Encoded(view, MeshPaths.json(nodes.meshNodes(view)).toBuffer());
      mesh = kept;
    }
    Responses.kept(ctx, kept.body());
  }

  /** The mesh's answer for one cache view. */
  private record Encoded(CacheSnapshot view, Buffer body) {}
}
