package io.uptimemesh.web.workload;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.NodeScheduling;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator routes of workloads (login required): apply and roll back a service's spec, its kept
 * generations, cordon, uncordon and drain nodes, and the replicas with their state. Creating a
 * service with a workload is {@code POST /api/v1/services} (discovery's catalog).
 */
public final class WorkloadRoutes {
  private final AuthHandler loggedIn;
  private final WorkloadCatalog catalog;
  private final NodeSchedulingService scheduling;
  private final ReplicaListing replicas;
  private final WatchCache cache;
  private final SchedulerRoutes scheduler;
  private final RolloutRoutes rollouts;

  WorkloadRoutes(
      AuthHandler loggedIn,
      WorkloadCatalog catalog,
      NodeSchedulingService scheduling,
      ReplicaListing replicas,
      WatchCache cache,
      SchedulerRoutes scheduler,
      RolloutRoutes rollouts) {
    this.loggedIn = loggedIn;
    this.catalog = catalog;
    this.scheduling = scheduling;
    this.replicas = replicas;
    this.cache = cache;
    this.scheduler = scheduler;
    this.rollouts = rollouts;
  }

  public void addRoutes(Router router) {
    router.put("/api/v1/services/:name/workload").handler(loggedIn).handler(this::apply);
    router.get("/api/v1/services/:name/generations").handler(loggedIn).handler(this::generations);
    router
        .get("/api/v1/services/:name/generations/:generation")
        .handler(loggedIn)
        .handler(this::generation);
    router.post("/api/v1/services/:name/rollback").handler(loggedIn).handler(this::rollback);
    router.post("/api/v1/nodes/:id/cordon").handler(loggedIn).handler(this::cordon);
    router.post("/api/v1/nodes/:id/uncordon").handler(loggedIn).handler(this::uncordon);
    router.post("/api/v1/nodes/:id/drain").handler(loggedIn).handler(this::drain);
    router.get("/api/v1/replicas").handler(loggedIn).handler(this::listReplicas);
    router.get("/api/v1/replicas/:id").handler(loggedIn).handler(this::showReplica);
    scheduler.addRoutes(router);
    rollouts.addRoutes(router);
  }

  /**
   * The {@code workload} field of a request body, checked ({@code WorkloadSpec.parse}: 400 naming
   * {@code workload.<field>}); null when absent and not {@code required}.
   */
  public static WorkloadSpec workload(JsonObject body, boolean required) {
    Object value = body.getValue("workload");
    if (value == null) {
      if (required) {
        throw UptimeMeshException.invalid("field 'workload' is required");
      }
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      throw UptimeMeshException.invalid("workload must be an object");
    }
    try {
      return WorkloadSpec.parse(Json.mapper().readTree(object.encode()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw UptimeMeshException.invalid("workload is not a JSON object");
    }
  }

  private void apply(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    WorkloadSpec spec = workload(Bodies.json(ctx), true);
    catalog
        .apply(name, spec, ifMatch(ctx), AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(a -> applied(ctx, a))
        .onFailure(ctx::fail);
  }

  private void rollback(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    // The body is optional: no body, or {}, rolls back to the generation before the current.
    boolean empty = ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0;
    JsonObject body = empty ? new JsonObject() : Bodies.json(ctx);
    Long to = null;
    Object value = body.getValue("to_generation");
    if (value != null) {
      if (!(value instanceof Integer || value instanceof Long)
          || ((Number) value).longValue() < 1) {
        throw UptimeMeshException.invalid("to_generation must be a whole number of at least 1");
      }
      to = ((Number) value).longValue();
    }
    catalog
        .rollback(name, to, ifMatch(ctx), AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(a -> applied(ctx, a))
        .onFailure(ctx::fail);
  }

  private static void applied(RoutingContext ctx, WorkloadCatalog.Applied a) {
    ctx.response().putHeader("ETag", "\"" + a.revision() + "\"");
    Responses.json(
        ctx,
        200,
        new JsonObject()
            .put("name", a.service().name())
            .put("generation", a.service().generation())
            .put("previous_generation", a.previousGeneration())
            .put("changed", a.changed())
            .put("revision", a.revision())
            .put("workload", WorkloadJson.spec(a.service().workload())));
  }

  private void generations(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    JsonArray out = new JsonArray();
    catalog.generations(name).forEach(c -> out.add(WorkloadJson.generation(c)));
    Responses.json(
        ctx,
        200,
        new JsonObject().put("name", name).put("kept", catalog.kept()).put("generations", out));
  }

  private void generation(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    long n;
    try {
      n = Long.parseLong(ctx.pathParam("generation"));
    } catch (NumberFormatException e) {
      throw UptimeMeshException.invalid("generation must be a whole number");
    }
    Responses.json(ctx, 200, WorkloadJson.generation(catalog.generation(name, n)));
  }

  private void cordon(RoutingContext ctx) {
    schedule(ctx, NodeSchedulingService.Action.CORDON);
  }

  private void uncordon(RoutingContext ctx) {
    schedule(ctx, NodeSchedulingService.Action.UNCORDON);
  }

  private void drain(RoutingContext ctx) {
    schedule(ctx, NodeSchedulingService.Action.DRAIN);
  }

  private void schedule(RoutingContext ctx, NodeSchedulingService.Action action) {
    String id = ctx.pathParam("id");
    scheduling
        .set(id, action, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            (NodeScheduling s) ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("node_id", id)
                        .put("scheduling", WorkloadJson.scheduling(s))
                        // A drain is done when this is 0 (the scheduler moves them away).
                        .put("replicas_on_node", replicasOn(id))))
        .onFailure(ctx::fail);
  }

  private int replicasOn(String nodeId) {
    return replicas.list(cache.snapshot(), null, nodeId).size();
  }

  private void listReplicas(RoutingContext ctx) {
    var snapshot = cache.snapshot();
    Responses.json(
        ctx,
        200,
        new JsonObject()
            .put(
                "replicas",
                replicas.list(
                    snapshot, ctx.request().getParam("service"), ctx.request().getParam("node")))
            .put("revision", snapshot.revision()));
  }

  private void showReplica(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject r =
        replicas
            .one(cache.snapshot(), id)
            .orElseThrow(() -> UptimeMeshException.notFound("replica " + id + " does not exist"));
    Responses.json(ctx, 200, r);
  }

  /**
   * The service revision the caller based its change on ({@code If-Match: "R"}, as the ETag gave
   * it), or null without the header or with {@code *}.
   */
  static Long ifMatch(RoutingContext ctx) {
    String h = ctx.request().getHeader("If-Match");
    if (h == null || h.isBlank() || h.strip().equals("*")) {
      return null;
    }
    String v = h.strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw UptimeMeshException.invalid(
          "If-Match must be the service's revision as its ETag gives it, e.g. \"42\"");
    }
  }
}
