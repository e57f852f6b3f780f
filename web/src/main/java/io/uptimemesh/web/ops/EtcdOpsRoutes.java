package io.uptimemesh.web.ops;

import io.uptimemesh.etcd.ops.EtcdOperations;
import io.uptimemesh.web.Responses;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The etcd cluster as an operator sees it: {@code GET /api/v1/etcd/status}, {@code POST
 * /api/v1/etcd/compact} (compaction and defragmentation), {@code GET /api/v1/etcd/check}. Logged-in
 * operators only.
 */
public final class EtcdOpsRoutes {
  private final EtcdOperations ops;
  private final Handler<RoutingContext> loggedIn;

  public EtcdOpsRoutes(EtcdOperations ops, Handler<RoutingContext> loggedIn) {
    this.ops = ops;
    this.loggedIn = loggedIn;
  }

  public void addRoutes(Router router) {
    router.get("/api/v1/etcd/status").handler(loggedIn).handler(this::status);
    router.post("/api/v1/etcd/compact").handler(loggedIn).handler(this::compact);
    router.get("/api/v1/etcd/check").handler(loggedIn).handler(this::check);
  }

  private void status(RoutingContext ctx) {
    ops.status().onSuccess(s -> Responses.json(ctx, 200, statusJson(s))).onFailure(ctx::fail);
  }

  private void compact(RoutingContext ctx) {
    ops.compact()
        .onSuccess(
            r -> {
              JsonArray members = new JsonArray();
              for (EtcdOperations.Defragmented d : r.members()) {
                members.add(
                    new JsonObject()
                        .put("id", d.id())
                        .put("name", d.name())
                        .put("endpoint", d.endpoint())
                        .put("db_size_before", d.dbSizeBefore())
                        .put("db_size_after", d.dbSizeAfter())
                        .put("saved_bytes", Math.max(0, d.dbSizeBefore() - d.dbSizeAfter()))
                        .put("error", d.error()));
              }
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("compacted_revision", r.compactedRevision())
                      .put("members", members)
                      .put("saved_bytes", r.savedBytes()));
            })
        .onFailure(ctx::fail);
  }

  private void check(RoutingContext ctx) {
    ops.check()
        .onSuccess(
            c ->
                Responses.json(
                    ctx,
                    200,
                    statusJson(c.status())
                        .put("ok", c.ok())
                        .put("problems", new JsonArray(c.problems()))))
        .onFailure(ctx::fail);
  }

  static JsonObject statusJson(EtcdOperations.ClusterStatus s) {
    JsonArray members = new JsonArray();
    for (EtcdOperations.MemberStatus m : s.members()) {
      members.add(
          new JsonObject()
              .put("id", m.id())
              .put("name", m.name())
              .put("endpoint", m.endpoint())
              .put("reachable", m.reachable())
              .put("leader", m.leader())
              .put("learner", m.learner())
              .put("db_size", m.dbSize())
              .put("db_size_in_use", m.dbSizeInUse())
              .put("revision", m.revision())
              .put("raft_term", m.raftTerm())
              .put("raft_index", m.raftIndex())
              .put("version", m.version())
              .put("errors", new JsonArray(m.errors()))
              .put("error", m.error()));
    }
    JsonArray alarms = new JsonArray();
    for (EtcdOperations.Alarm a : s.alarms()) {
      alarms.add(new JsonObject().put("member_id", a.memberId()).put("type", a.type()));
    }
    return new JsonObject().put("members", members).put("alarms", alarms);
  }
}
