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
 * /api/v1/etcd/compact} (compaction and defragmentation), {@code GET /api/v1/etcd/check} (etcd and
 * every known core node's server). Logged-in operators only.
 */
public final class EtcdOpsRoutes {
  private final EtcdOperations ops;
  private final CoreNodeProbe coreNodes;
  private final Handler<RoutingContext> loggedIn;

  EtcdOpsRoutes(EtcdOperations ops, CoreNodeProbe coreNodes, Handler<RoutingContext> loggedIn) {
    this.ops = ops;
    this.coreNodes = coreNodes;
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

  /** The etcd side (members, versions, leader, alarms), then every known core node's server. */
  private void check(RoutingContext ctx) {
    ops.check()
        .compose(c -> coreNodes.probe().map(nodes -> checkJson(c, nodes)))
        .onSuccess(body -> Responses.json(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  private static JsonObject checkJson(
      EtcdOperations.CheckResult etcd, java.util.List<CoreNodeProbe.CoreNode> nodes) {
    JsonArray problems = new JsonArray(new java.util.ArrayList<>(etcd.problems()));
    JsonArray coreNodes = new JsonArray();
    for (CoreNodeProbe.CoreNode n : nodes) {
      coreNodes.add(
          new JsonObject()
              .put("node_id", n.nodeId())
              .put("api_endpoint", n.apiEndpoint())
              .put("ready", n.ready())
              .put("error", n.error()));
      if (!n.ready()) {
        problems.add("core node " + n.nodeId() + " (" + n.apiEndpoint() + "): " + n.error());
      }
    }
    return statusJson(etcd.status())
        .put("ok", problems.isEmpty())
        .put("problems", problems)
        .put("core_nodes", coreNodes);
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
