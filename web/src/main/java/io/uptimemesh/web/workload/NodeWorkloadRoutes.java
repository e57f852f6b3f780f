package io.uptimemesh.web.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.core.workload.ReplicaStatusReport;
import io.uptimemesh.web.NodeDocumentHub;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.NodeRequestAuth;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The node-signed workload routes (ADR 0014): a node reads or streams its workloads document and
 * reports its replicas' statuses. Signed like the discovery routes ({@link NodeRequestAuth}): 401
 * for an unknown, revoked or badly signed node, 403 for another node's path.
 */
final class NodeWorkloadRoutes {
  static final String EVENT = "workloads";

  private final Vertx vertx;
  private final NodeRequestAuth nodeAuth;
  private final NodeDocumentHub<WorkloadsView> hub;
  private final ReplicaStatusWriter statuses;
  private final Duration keepAlive;

  NodeWorkloadRoutes(
      Vertx vertx,
      NodeRequestAuth nodeAuth,
      NodeDocumentHub<WorkloadsView> hub,
      ReplicaStatusWriter statuses,
      Duration keepAlive) {
    this.vertx = vertx;
    this.nodeAuth = nodeAuth;
    this.hub = hub;
    this.statuses = statuses;
    this.keepAlive = keepAlive;
  }

  void addRoutes(Router router) {
    router.post("/api/v1/nodes/:id/replica-status").handler(this::report);
    router.get("/api/v1/nodes/:id/workloads").handler(this::document);
    router.get("/api/v1/nodes/:id/workloads/stream").handler(this::stream);
  }

  private void report(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    JsonNode json = nodeAuth.body(ctx);
    ReplicaStatusReport body = ReplicaStatusReport.parse(json, id);
    statuses
        .write(id, body)
        .onSuccess(o -> Responses.json(ctx, 200, o.toJson("replica_id")))
        .onFailure(ctx::fail);
  }

  private void document(RoutingContext ctx) {
    String id = nodeAuth.bodiless(ctx);
    WorkloadsView view = hub.view();
    if (!view.knows(id)) {
      throw NodeDocumentHub.unknown(id);
    }
    Responses.document(vertx, ctx, () -> view.documentJson(id, ""), view.digestOf(id, ""));
  }

  private void stream(RoutingContext ctx) {
    String id = nodeAuth.bodiless(ctx);
    hub.openStream(vertx, ctx, id, EVENT, "", keepAlive);
  }
}
