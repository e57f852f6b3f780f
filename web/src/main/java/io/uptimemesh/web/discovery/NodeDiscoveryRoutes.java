package io.uptimemesh.web.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.NodeRequestAuth;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The node-signed discovery routes (ADR 0013): a node reports its endpoints' health, reads or
 * streams its discovery document. Signed like the mesh routes ({@link NodeRequestAuth}): 401 for an
 * unknown, revoked or badly signed node, 403 for another node's path.
 */
final class NodeDiscoveryRoutes {
  private final Vertx vertx;
  private final NodeRequestAuth nodeAuth;
  private final DiscoveryHub hub;
  private final EndpointHealthWriter health;
  private final Duration keepAlive;

  NodeDiscoveryRoutes(
      Vertx vertx,
      NodeRequestAuth nodeAuth,
      DiscoveryHub hub,
      EndpointHealthWriter health,
      Duration keepAlive) {
    this.vertx = vertx;
    this.nodeAuth = nodeAuth;
    this.hub = hub;
    this.health = health;
    this.keepAlive = keepAlive;
  }

  void addRoutes(Router router) {
    router.post("/api/v1/nodes/:id/endpoint-health").handler(this::report);
    router.get("/api/v1/nodes/:id/discovery").handler(this::document);
    router.get("/api/v1/nodes/:id/discovery/stream").handler(this::stream);
  }

  private void report(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    JsonNode json = nodeAuth.body(ctx);
    EndpointHealthReport reports = EndpointHealthReport.parse(json);
    health
        .write(id, reports)
        .onSuccess(o -> Responses.json(ctx, 200, o.toJson("endpoint_id")))
        .onFailure(ctx::fail);
  }

  private void document(RoutingContext ctx) {
    String id = authenticateRead(ctx);
    boolean zone = CatalogRoutes.flag(ctx, "zone");
    DiscoveryView view = hub.view();
    if (view.node(id).isEmpty()) {
      throw unknown(id);
    }
    Responses.document(
        vertx, ctx, () -> view.documentJson(id, zone), String.valueOf(view.revision()));
  }

  private void stream(RoutingContext ctx) {
    String id = authenticateRead(ctx);
    boolean zone = CatalogRoutes.flag(ctx, "zone");
    hub.openStream(vertx, ctx, id, zone ? DiscoveryView.ZONE : "", keepAlive);
  }

  private String authenticateRead(RoutingContext ctx) {
    return nodeAuth.bodiless(ctx);
  }

  private static UptimeMeshException unknown(String id) {
    return io.uptimemesh.web.NodeDocumentHub.unknown(id);
  }
}
