package io.uptimemesh.web.workload;

import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.workload.ReplicaIdSource;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.SchedulerAction;
import io.uptimemesh.core.workload.SchedulerPlan;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * {@code GET /api/v1/scheduler/plan} (what the scheduler job would do now, from the same input
 * builder; writes nothing) and {@code POST /api/v1/replicas/{id}/move} (login required).
 */
final class SchedulerRoutes {
  private final AuthHandler loggedIn;
  private final EtcdStore store;
  private final WatchCache cache;
  private final Clock clock;
  private final SchedulerSettings settings;
  private final ReplicaMover mover;

  SchedulerRoutes(
      AuthHandler loggedIn,
      EtcdStore store,
      WatchCache cache,
      Clock clock,
      SchedulerSettings settings,
      ReplicaMover mover) {
    this.loggedIn = loggedIn;
    this.store = store;
    this.cache = cache;
    this.clock = clock;
    this.settings = settings;
    this.mover = mover;
  }

  void addRoutes(Router router) {
    router.get("/api/v1/scheduler/plan").handler(loggedIn).handler(this::plan);
    router.post("/api/v1/replicas/:id/move").handler(loggedIn).handler(this::move);
  }

  private void plan(RoutingContext ctx) {
    CacheSnapshot snap = cache.snapshot();
    // Decoding the cluster and planning it grows with the cluster: off the event loop, as the job.
    ctx.vertx()
        .executeBlocking(
            () -> {
              SchedulerView view =
                  SchedulerView.read(
                      snap, store, clock.millis(), settings.rescheduleGrace().toMillis());
              // New replica ids are drawn at random, as the job draws them: examples only.
              return planJson(SchedulerPlan.plan(view.input(), ReplicaIdSource.random()));
            },
            false)
        .onSuccess(
            body ->
                Responses.json(
                    ctx,
                    200,
                    body.put("revision", snap.revision())
                        .put("synced", cache.synced())
                        .put("reschedule_grace_seconds", settings.rescheduleGrace().toSeconds())))
        .onFailure(ctx::fail);
  }

  private static JsonObject planJson(SchedulerPlan plan) {
    JsonArray actions = new JsonArray();
    for (SchedulerAction a : plan.actions()) {
      JsonObject json =
          new JsonObject()
              .put("action", a instanceof SchedulerAction.Place ? "place" : "remove")
              .put("replica_id", a.replicaId())
              .put("service", a.service())
              .put("node_id", a.nodeId())
              .put("reason", a.reason())
              .put("description", a.describe());
      if (a instanceof SchedulerAction.Place p) {
        JsonObject ports = new JsonObject();
        p.hostPorts().forEach(ports::put);
        json.put("generation", p.generation())
            .put("host_ports", ports)
            .put("replaces", p.replaces());
      }
      actions.add(json);
    }
    JsonArray notes = new JsonArray();
    plan.notes()
        .forEach(
            n ->
                notes.add(
                    new JsonObject().put("service", n.service()).put("message", n.message())));
    return new JsonObject().put("actions", actions).put("notes", notes);
  }

  private void move(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = Bodies.json(ctx);
    Object to = body.getValue("to");
    if (!(to instanceof String node) || node.isBlank()) {
      throw UptimeMeshException.invalid("field 'to' (the target node's id) is required");
    }
    mover
        .move(id, node, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            (ReplicaRecord r) -> {
              JsonObject ports = new JsonObject();
              r.hostPorts().forEach(ports::put);
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("replica_id", id)
                      .put(
                          "replacement",
                          new JsonObject()
                              .put("id", r.id())
                              .put("service", r.service())
                              .put("node_id", r.nodeId())
                              .put("generation", r.generation())
                              .put("host_ports", ports)
                              .put("replaces", r.replaces())));
            })
        .onFailure(ctx::fail);
  }
}
