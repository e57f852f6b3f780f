package io.uptimemesh.web.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.web.NodeDocumentStream;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.NodeRequestAuth;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The node-signed discovery routes (ADR 0013): a node reports its endpoints' health, reads or
 * streams its discovery document. Signed like the mesh routes ({@link NodeRequestAuth}): 401 for an
 * unknown, revoked or badly signed node, 403 for another node's path.
 */
final class NodeDiscoveryRoutes {
  private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

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
        .onSuccess(
            o -> {
              JsonArray ignored = new JsonArray();
              o.ignored()
                  .forEach(
                      i ->
                          ignored.add(
                              new JsonObject()
                                  .put("endpoint_id", i.endpointId())
                                  .put("reason", i.reason())));
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("accepted", o.accepted())
                      .put("written", o.written())
                      .put("ignored", ignored));
            })
        .onFailure(ctx::fail);
  }

  private void document(RoutingContext ctx) {
    String id = authenticateRead(ctx);
    boolean zone = CatalogRoutes.flag(ctx, "zone");
    DiscoveryView view = hub.view();
    if (view.node(id).isEmpty()) {
      throw unknown(id);
    }
    vertx
        .executeBlocking(() -> view.documentJson(id, zone))
        .onSuccess(
            json ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("ETag", "\"" + view.revision() + "\"")
                    .end(Buffer.buffer(json)))
        .onFailure(ctx::fail);
  }

  private void stream(RoutingContext ctx) {
    String id = authenticateRead(ctx);
    boolean zone = CatalogRoutes.flag(ctx, "zone");
    String digest = ctx.request().getParam("digest");
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw UptimeMeshException.invalid("digest must be 64 hex digits (SHA-256)");
    }
    String variant = zone ? DiscoveryView.ZONE : "";
    NodeDocumentStream<DiscoveryView> stream =
        new NodeDocumentStream<>(
            vertx, ctx.response(), id, DiscoveryView.EVENT, variant, hub::unregister);
    // Registered before the view is read: no view published meanwhile is missed.
    DiscoveryView view = hub.register(stream);
    vertx
        .executeBlocking(
            () -> NodeDocumentStream.First.of(view, id, DiscoveryView.EVENT, variant, digest))
        .onSuccess(
            first -> {
              if (first.isEmpty()) {
                hub.unregister(stream);
                ctx.fail(unknown(id));
                return;
              }
              stream.start(first.get(), keepAlive);
            })
        .onFailure(
            t -> {
              hub.unregister(stream);
              ctx.fail(t);
            });
  }

  private String authenticateRead(RoutingContext ctx) {
    return nodeAuth.bodiless(ctx);
  }

  private static UptimeMeshException unknown(String id) {
    return UptimeMeshException.notFound("node " + id + " does not exist");
  }
}
