package io.uptimemesh.web.cluster;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.leader.ClusterLock;
import io.uptimemesh.etcd.members.CorePresence.CoreServerRecord;
import io.uptimemesh.etcd.members.EtcdMembers;
import io.uptimemesh.etcd.members.EtcdMembers.MemberStatus;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.AuthHandler;
import io.uptimemesh.web.identity.NodeService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The control plane's own membership: live core servers and their API URLs, etcd members (list, add
 * as learner, promote, remove without losing quorum), and cluster statistics.
 */
public final class MembershipRoutes {
  private static final Pattern MEMBER_ID = Pattern.compile("[0-9a-f]{1,16}");
  private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");

  private final EtcdRuntime etcd;
  private final AuthHandler loggedIn;
  private final NodeService nodes;
  private final Supplier<Optional<String>> leaderName;
  private final ClusterLock lock;

  /** Membership changes one at a time: two removals could each pass the quorum check alone. */
  private static final String LOCK = "etcd-membership";

  private static final Duration LOCK_WAIT = Duration.ofSeconds(20);

  /**
   * @param leaderName the name of the core server that currently leads, if known
   * @param lock serialises membership changes across core nodes
   */
  public MembershipRoutes(
      EtcdRuntime etcd,
      AuthHandler loggedIn,
      NodeService nodes,
      Supplier<Optional<String>> leaderName,
      ClusterLock lock) {
    this.lock = lock;
    this.etcd = etcd;
    this.loggedIn = loggedIn;
    this.nodes = nodes;
    this.leaderName = leaderName;
  }

  public void addRoutes(Router router) {
    // Open: agents and clients find the live core APIs here before they have any credentials.
    router.get("/api/v1/cluster/apis").handler(this::apis);
    router.get("/api/v1/cluster/members").handler(loggedIn).handler(this::coreMembers);
    router.get("/api/v1/cluster/stats").handler(loggedIn).handler(this::stats);
    router.get("/api/v1/etcd/members").handler(loggedIn).handler(this::etcdMembers);
    router.post("/api/v1/etcd/members").handler(loggedIn).handler(this::addMember);
    router.post("/api/v1/etcd/members/:id/promote").handler(loggedIn).handler(this::promote);
    router.delete("/api/v1/etcd/members/:id").handler(loggedIn).handler(this::removeMember);
  }

  private List<CoreServerRecord> coreServers() {
    EtcdStore store = etcd.store();
    return etcd.cache().snapshot().withPrefix(store.layout().coreServersPrefix()).values().stream()
        .map(e -> store.decode(e, CoreServerRecord.class).value())
        .toList();
  }

  private void apis(RoutingContext ctx) {
    JsonArray urls = new JsonArray();
    coreServers().stream().map(CoreServerRecord::apiUrl).sorted().forEach(urls::add);
    Responses.json(ctx, 200, new JsonObject().put("apis", urls));
  }

  private void coreMembers(RoutingContext ctx) {
    etcd.members()
        .statuses()
        .onSuccess(
            statuses -> {
              Map<String, MemberStatus> byName = new HashMap<>();
              statuses.forEach(s -> byName.put(s.member().name(), s));
              Optional<String> leader = leaderName.get();
              JsonArray out = new JsonArray();
              for (CoreServerRecord c : coreServers()) {
                MemberStatus m = byName.get(c.name());
                out.add(
                    new JsonObject()
                        .put("name", c.name())
                        .put("api_url", c.apiUrl())
                        .put("version", c.version())
                        .put("started_at_ms", c.startedAtMs())
                        .put("leader", leader.map(c.name()::equals).orElse(false))
                        .put("etcd_member", m == null ? null : memberJson(m)));
              }
              Responses.json(
                  ctx,
                  200,
                  new JsonObject().put("members", out).put("leader", leader.orElse(null)));
            })
        .onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    Future.all(nodes.list(), etcd.members().statuses())
        .onSuccess(
            all -> {
              List<NodeService.NodeView> list = all.resultAt(0);
              List<MemberStatus> members = all.resultAt(1);
              JsonObject byState = new JsonObject();
              for (NodeService.State s : NodeService.State.values()) {
                byState.put(s.wireName(), list.stream().filter(n -> n.state() == s).count());
              }
              long dbSize = members.stream().mapToLong(MemberStatus::dbSizeBytes).max().orElse(0);
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put(
                          "nodes",
                          new JsonObject().put("total", list.size()).put("by_state", byState))
                      .put("core_servers", coreServers().size())
                      .put(
                          "etcd",
                          new JsonObject()
                              .put("members", members.size())
                              .put(
                                  "healthy_members",
                                  members.stream().filter(MemberStatus::healthy).count())
                              .put("revision", etcd.cache().snapshot().revision())
                              .put("db_size_bytes", dbSize)
                              .put("health", etcd.monitor().current().state().wireName())));
            })
        .onFailure(ctx::fail);
  }

  private void etcdMembers(RoutingContext ctx) {
    etcd.members()
        .statuses()
        .onSuccess(
            statuses -> {
              JsonArray out = new JsonArray();
              statuses.forEach(s -> out.add(memberJson(s)));
              Responses.json(ctx, 200, new JsonObject().put("members", out));
            })
        .onFailure(ctx::fail);
  }

  private void addMember(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    String name = Bodies.requiredString(body, "name");
    String peer = Bodies.requiredString(body, "peer_url");
    if (!MEMBER_NAME.matcher(name).matches()) {
      throw UptimeMeshException.invalid("name must be 1..63 characters of A-Z a-z 0-9 . _ -");
    }
    URI peerUrl = peerUrl(peer);
    lock.withLock(LOCK, LOCK_WAIT, () -> etcd.members().addLearner(name, peerUrl))
        .onSuccess(
            a ->
                Responses.json(
                    ctx,
                    a.added() ? 201 : 200,
                    new JsonObject()
                        .put("member_id", a.member().idHex())
                        .put("learner", a.member().learner())
                        .put("added", a.added())
                        .put("initial_cluster", a.initialCluster())
                        .put("initial_cluster_state", "existing")))
        .onFailure(ctx::fail);
  }

  private void promote(RoutingContext ctx) {
    long id = memberId(ctx);
    lock.withLock(LOCK, LOCK_WAIT, () -> etcd.members().promote(id))
        .onSuccess(
            v -> Responses.json(ctx, 200, new JsonObject().put("promoted", EtcdMembers.hex(id))))
        .onFailure(ctx::fail);
  }

  private void removeMember(RoutingContext ctx) {
    long id = memberId(ctx);
    // remove() reads every member's health after the lock is held, then decides.
    lock.withLock(LOCK, LOCK_WAIT, () -> etcd.members().remove(id))
        .onSuccess(
            m ->
                Responses.json(
                    ctx, 200, new JsonObject().put("removed", m.idHex()).put("name", m.name())))
        .onFailure(ctx::fail);
  }

  private static long memberId(RoutingContext ctx) {
    String id = ctx.pathParam("id").toLowerCase();
    if (!MEMBER_ID.matcher(id).matches()) {
      throw UptimeMeshException.invalid(
          "etcd member id must be 1..16 hex digits (see uptimemesh etcd-members), not " + id);
    }
    return Long.parseUnsignedLong(id, 16);
  }

  private static URI peerUrl(String value) {
    try {
      URI uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() < 1) {
        throw new java.net.URISyntaxException(value, "no scheme, host or port");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw UptimeMeshException.invalid(
          "peer_url must be an http(s) URL with host and port, like http://10.0.0.5:2380");
    }
  }

  static JsonObject memberJson(MemberStatus s) {
    var m = s.member();
    return new JsonObject()
        .put("id", m.idHex())
        .put("name", m.name())
        .put("peer_urls", new JsonArray(m.peerUrls()))
        .put("client_urls", new JsonArray(m.clientUrls()))
        .put("learner", m.learner())
        .put("healthy", s.healthy())
        .put("leader", s.leader())
        .put("db_size_bytes", s.dbSizeBytes())
        .put("db_size_in_use_bytes", s.dbSizeInUseBytes())
        .put("raft_term", s.raftTerm())
        .put("raft_index", s.raftIndex())
        .put("version", s.version())
        .put("alarms", new JsonArray(s.alarms()))
        .put("error", s.error().orElse(null));
  }
}
