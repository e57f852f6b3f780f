package io.uptimemesh.web.workload;

import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator routes of rollouts and replica commands (login required): a service's rollout,
 * {@code services rollout} (start a failed one again), and restart, snapshot and restore of one
 * replica's container (ADR 0014).
 */
final class RolloutRoutes {
  private final AuthHandler loggedIn;
  private final RolloutService rollouts;
  private final ReplicaCommands commands;

  RolloutRoutes(AuthHandler loggedIn, RolloutService rollouts, ReplicaCommands commands) {
    this.loggedIn = loggedIn;
    this.rollouts = rollouts;
    this.commands = commands;
  }

  void addRoutes(Router router) {
    router.get("/api/v1/services/:name/rollout").handler(loggedIn).handler(this::showRollout);
    router.post("/api/v1/services/:name/rollout").handler(loggedIn).handler(this::restartRollout);
    router.post("/api/v1/replicas/:id/restart").handler(loggedIn).handler(this::restartReplica);
    router.post("/api/v1/replicas/:id/snapshot").handler(loggedIn).handler(this::snapshotReplica);
    router.post("/api/v1/replicas/:id/restore").handler(loggedIn).handler(this::restoreReplica);
  }

  private void showRollout(RoutingContext ctx) {
    var r = rollouts.show(ctx.pathParam("name"));
    Responses.json(ctx, 200, RolloutService.json(r.value(), r.modRevision()));
  }

  private void restartRollout(RoutingContext ctx) {
    rollouts
        .restart(ctx.pathParam("name"), AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(r -> Responses.json(ctx, 200, RolloutService.json(r.value(), r.modRevision())))
        .onFailure(ctx::fail);
  }

  private void restartReplica(RoutingContext ctx) {
    replicaCommand(ctx, ReplicaCommand.RESTART, "");
  }

  private void snapshotReplica(RoutingContext ctx) {
    replicaCommand(ctx, ReplicaCommand.SNAPSHOT, snapshotName(ctx));
  }

  private void restoreReplica(RoutingContext ctx) {
    replicaCommand(ctx, ReplicaCommand.RESTORE, snapshotName(ctx));
  }

  private static String snapshotName(RoutingContext ctx) {
    return ReplicaCommands.snapshotName(Bodies.optionalString(Bodies.json(ctx), "name"));
  }

  private void replicaCommand(RoutingContext ctx, String kind, String snapshot) {
    String id = ctx.pathParam("id");
    commands
        .send(id, kind, snapshot, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            c ->
                Responses.json(
                    ctx,
                    202,
                    new JsonObject()
                        .put("replica", id)
                        .put("seq", c.seq())
                        .put("kind", c.kind())
                        .put("snapshot", c.snapshot())))
        .onFailure(ctx::fail);
  }
}
