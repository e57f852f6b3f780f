package io.uptimemesh.web.cluster;

import io.uptimemesh.etcd.leader.LeaderElection;
import io.uptimemesh.etcd.leader.LeaderInfo;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.AuthHandler;
import io.uptimemesh.web.identity.AuthService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * HTTP routes about the control plane itself: who leads, and node pruning. Later: members, stats
 * and the list of APIs. Routes parse, call a service and write JSON; failures go to the router's
 * failure handler.
 *
 * <p>{@code GET /api/v1/cluster/leader} needs no login, like {@code /cluster/ca}: it names the
 * leader and its API URL (public to anything that can reach a core node, as the API list will be)
 * and no secret, and monitoring and agents can ask it. Pruning needs a logged-in operator.
 */
public final class ClusterRoutes {
  private final LeaderElection election;
  private final NodePruneService pruner;
  private final AuthService auth;

  public ClusterRoutes(LeaderElection election, NodePruneService pruner, AuthService auth) {
    this.election = election;
    this.pruner = pruner;
    this.auth = auth;
  }

  public void addRoutes(Router router) {
    AuthHandler loggedIn = new AuthHandler(auth);
    router.get("/api/v1/cluster/leader").handler(this::leader);
    router.post("/api/v1/nodes/prune").handler(loggedIn).handler(this::prune);
  }

  private void leader(RoutingContext ctx) {
    Optional<LeaderInfo> current = election.current();
    JsonObject out =
        new JsonObject()
            .put("elected", current.isPresent())
            .put("name", current.map(LeaderInfo::name).orElse(null))
            .put("api_url", current.map(LeaderInfo::apiUrl).orElse(null))
            .put("since_ms", current.map(LeaderInfo::sinceMs).orElse(null))
            .put("term", current.map(LeaderInfo::term).orElse(null))
            .put("is_leader", election.isLeader())
            .put("answered_by", election.candidate().name());
    Responses.json(ctx, 200, out);
  }

  private void prune(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    boolean dryRun = Bodies.optionalBoolean(body, "dry_run");
    pruner
        .prune(dryRun)
        .onSuccess(
            list -> {
              JsonArray nodes = new JsonArray();
              list.forEach(
                  p ->
                      nodes.add(
                          new JsonObject()
                              .put("node_id", p.nodeId())
                              .put("name", p.name())
                              .put("role", p.role())
                              .put("reason", p.reason())
                              .put("since_ms", p.sinceMs())));
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("dry_run", dryRun)
                      .put("prune_after_hours", pruner.pruneAfter().toHours())
                      .put("nodes", nodes));
            })
        .onFailure(ctx::fail);
  }
}
