package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.TokenRecord;
import io.uptimemesh.core.token.NodeRole;
import io.uptimemesh.etcd.members.EtcdMembers;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * HTTP routes of cluster identity: bootstrap, login, join tokens, join, heartbeats and nodes. Each
 * route parses and validates, calls a service, and writes JSON; failures go to the router's failure
 * handler.
 */
public final class IdentityRoutes {
  private static final Pattern TOKEN_ID = Pattern.compile("[a-z2-7]{12}");

  private final BootstrapService bootstrap;
  private final AuthService auth;
  private final TokenService tokens;
  private final JoinService joins;
  private final HeartbeatService heartbeats;
  private final NodeService nodes;
  private final RenewalService renewals;
  private final ClusterAuthority authority;
  private final CoreAdmission admissions;
  private final NodeRequestAuth nodeRequests;
  private final LoginRateLimiter loginLimiter = LoginRateLimiter.defaults();
  private final NodeListing listing;

  public IdentityRoutes(
      BootstrapService bootstrap,
      AuthService auth,
      TokenService tokens,
      JoinService joins,
      HeartbeatService heartbeats,
      NodeService nodes,
      RenewalService renewals,
      ClusterAuthority authority,
      CoreAdmission admissions) {
    this.bootstrap = bootstrap;
    this.auth = auth;
    this.tokens = tokens;
    this.joins = joins;
    this.heartbeats = heartbeats;
    this.nodes = nodes;
    this.listing = new NodeListing(nodes, () -> heartbeats.config().clock().millis());
    this.renewals = renewals;
    this.authority = authority;
    this.admissions = admissions;
    this.nodeRequests =
        new NodeRequestAuth(heartbeats.credentials(), authority, heartbeats.config());
  }

  /** A handler that requires a login, for the routes of other resources. */
  public AuthHandler authHandler() {
    return new AuthHandler(auth);
  }

  /** Logins and sessions, for the browser's session routes. */
  public AuthService auth() {
    return auth;
  }

  /** The one limiter of failed logins of this core node, for every login route. */
  public LoginRateLimiter loginLimiter() {
    return loginLimiter;
  }

  /** The user behind a bearer token, if its session is valid now. */
  public java.util.function.Function<String, java.util.Optional<String>> sessions() {
    return auth::authenticate;
  }

  /** Authentication of node-signed requests other than heartbeats (mesh routes). */
  public NodeRequestAuth nodeRequests() {
    return nodeRequests;
  }

  /** The nodes service, for routes that summarise nodes. */
  public NodeService nodes() {
    return nodes;
  }

  public void addRoutes(Router router) {
    AuthHandler loggedIn = new AuthHandler(auth);
    router.post("/api/v1/bootstrap").handler(this::bootstrap);
    router.post("/api/v1/auth/login").handler(loginLimiter).handler(this::login);
    router.post("/api/v1/auth/logout").handler(loggedIn).handler(this::logout);
    router.get("/api/v1/cluster/ca").handler(this::ca);
    router.post("/api/v1/tokens").handler(loggedIn).handler(this::createToken);
    router.get("/api/v1/tokens").handler(loggedIn).handler(this::listTokens);
    router.delete("/api/v1/tokens/:id").handler(loggedIn).handler(this::revokeToken);
    router.post("/api/v1/join").handler(this::join);
    router.post("/api/v1/heartbeat").handler(this::heartbeat);
    router.get("/api/v1/nodes").handler(loggedIn).handler(this::listNodes);
    router.post("/api/v1/nodes/:id/revoke").handler(loggedIn).handler(this::revokeNode);
    router.post("/api/v1/nodes/:id/renew").handler(this::renew);
    new NodeDetailRoutes(nodes).addRoutes(router, loggedIn);
  }

  private void bootstrap(RoutingContext ctx) {
    if (!isLoopback(ctx.request().remoteAddress().hostAddress())) {
      ctx.fail(
          new UptimeMeshException(
              ErrorCode.FORBIDDEN,
              "bootstrap is only allowed from the core node itself (loopback)"));
      return;
    }
    bootstrap
        .bootstrap(IdempotencyHandler.claim(ctx))
        .onSuccess(
            r ->
                Responses.json(
                    ctx,
                    201,
                    new JsonObject()
                        .put("cluster_id", r.clusterId())
                        .put("admin_username", BootstrapService.ADMIN)
                        .put("admin_password", r.adminPassword())
                        .put("join_token", r.joinToken())
                        .put("ca_pin", r.caPin())))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    String username = Bodies.requiredString(body, "username");
    String password = Bodies.requiredString(body, "password");
    auth.login(username, password.toCharArray(), IdempotencyHandler.claim(ctx))
        .onSuccess(
            s ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("token", s.token())
                        .put("username", s.username())
                        .put("expires_at_ms", s.expiresAtMs())
                        .put("must_change_password", s.mustChangePassword())))
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    auth.logout(AuthHandler.bearer(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(v -> Responses.json(ctx, 200, new JsonObject().put("logged_out", true)))
        .onFailure(ctx::fail);
  }

  private void ca(RoutingContext ctx) {
    var record =
        authority
            .record()
            .orElseThrow(
                () ->
                    new UptimeMeshException(
                        ErrorCode.NOT_FOUND, "the cluster is not bootstrapped yet"));
    Responses.json(
        ctx,
        200,
        new JsonObject().put("certificate", record.certificatePem()).put("pin", record.pin()));
  }

  private void createToken(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    NodeRole role = NodeRole.parse(Bodies.requiredString(body, "role"));
    int ttlSeconds = Bodies.optionalInt(body, "ttl_seconds", 1800);
    int uses = Bodies.optionalInt(body, "uses", 1);
    tokens
        .create(
            role,
            Duration.ofSeconds(ttlSeconds),
            uses,
            Bodies.stringMap(body, "labels"),
            Bodies.optionalBoolean(body, "allow_replace"),
            AuthHandler.user(ctx),
            IdempotencyHandler.claim(ctx))
        .onSuccess(c -> Responses.json(ctx, 201, tokenJson(c.record()).put("token", c.token())))
        .onFailure(ctx::fail);
  }

  private void listTokens(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    tokens.list().forEach(t -> out.add(tokenJson(t)));
    Responses.json(ctx, 200, new JsonObject().put("tokens", out));
  }

  private void revokeToken(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!TOKEN_ID.matcher(id).matches()) {
      ctx.fail(UptimeMeshException.notFound("no token with id " + id));
      return;
    }
    tokens
        .revoke(
            id,
            IdempotencyHandler.claim(ctx),
            io.uptimemesh.core.events.Events.user(AuthHandler.user(ctx)))
        .onSuccess(v -> Responses.json(ctx, 200, new JsonObject().put("revoked", id)))
        .onFailure(ctx::fail);
  }

  private void join(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    JoinRequest request =
        new JoinRequest(
            Bodies.requiredString(body, "token"),
            Bodies.requiredString(body, "node_id"),
            Bodies.requiredString(body, "name"),
            Bodies.optionalString(body, "role"),
            Bodies.optionalString(body, "api_endpoint"),
            Bodies.optionalString(body, "etcd_peer_url"),
            Bodies.optionalString(body, "etcd_member_name"),
            Bodies.stringMap(body, "labels"),
            Bodies.requiredString(body, "csr"),
            Bodies.optionalBoolean(body, "replace"));
    // A core node's etcd member is added (as a learner) before its identity is written, and
    // removed again if the join fails.
    admissions
        .admit(request)
        .compose(
            admission ->
                joins
                    .join(request, IdempotencyHandler.claim(ctx))
                    .map(j -> withMember(joinedJson(j), admission))
                    .recover(
                        t ->
                            admissions
                                .undo(admission, t, request)
                                .transform(x -> Future.failedFuture(t))))
        .onSuccess(json -> Responses.json(ctx, 201, json))
        .onFailure(ctx::fail);
  }

  private void heartbeat(RoutingContext ctx) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    heartbeats
        .accept(
            body,
            ctx.request().getHeader(HeartbeatSignatures.SIGNATURE_HEADER),
            ctx.request().getHeader(HeartbeatSignatures.FINGERPRINT_HEADER))
        .onSuccess(
            a ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("accepted", true)
                        .put("node_id", a.nodeId())
                        .put("seq", a.seq())
                        .put("lease_ttl_seconds", a.leaseTtlSeconds())))
        .onFailure(ctx::fail);
  }

  private void listNodes(RoutingContext ctx) {
    listing.encoded().onSuccess(body -> Responses.kept(ctx, body)).onFailure(ctx::fail);
  }

  /** A node's WireGuard registration for listings and the detail (public keys only), or null. */
  static JsonObject wireGuardJson(NodeService nodes, String nodeId) {
    return nodes
        .wireGuard(nodeId)
        .map(
            r ->
                new JsonObject()
                    .put("key_generation", r.keyGeneration())
                    .put("primary_public_key", r.primaryPublicKey())
                    .put("primary_endpoint", r.primaryEndpoint())
                    .put("secondary_public_key", r.secondaryPublicKey())
                    .put("secondary_endpoint", r.secondaryEndpoint())
                    .put("updated_at_ms", r.updatedAtMs()))
        .orElse(null);
  }

  private void revokeNode(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    nodes
        .revoke(
            id,
            IdempotencyHandler.claim(ctx),
            io.uptimemesh.core.events.Events.user(AuthHandler.user(ctx)))
        .onSuccess(n -> Responses.json(ctx, 200, nodeJson(n).put("state", "revoked")))
        .onFailure(ctx::fail);
  }

  private void renew(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    renewals
        .renew(
            id,
            body,
            ctx.request().getHeader(HeartbeatSignatures.SIGNATURE_HEADER),
            ctx.request().getHeader(HeartbeatSignatures.FINGERPRINT_HEADER),
            IdempotencyHandler.claim(ctx))
        .onSuccess(j -> Responses.json(ctx, 200, joinedJson(j)))
        .onFailure(ctx::fail);
  }

  private static JsonObject withMember(
      JsonObject joined, java.util.Optional<EtcdMembers.Admission> admission) {
    admission.ifPresent(
        a ->
            joined.put(
                "etcd",
                new JsonObject()
                    .put("member_id", a.member().idHex())
                    .put("initial_cluster", a.initialCluster())
                    .put("client_urls", new JsonArray(a.clientUrls()))));
    return joined;
  }

  /** A node's new identity, as join and renewal both answer it. */
  static JsonObject joinedJson(JoinService.Joined j) {
    return new JsonObject()
        .put("node_id", j.nodeId())
        .put("mesh_ip", j.meshIp())
        .put("certificate", j.certificatePem())
        .put("ca", j.caPem())
        .put("cert_not_after_ms", j.certNotAfterMs());
  }

  static JsonObject tokenJson(TokenRecord t) {
    return new JsonObject()
        .put("id", t.id())
        .put("role", t.role())
        .put("uses_left", t.usesLeft())
        .put("expires_at_ms", t.expiresAtMs())
        .put("labels", new JsonObject(new java.util.HashMap<>(t.labels())))
        .put("allow_replace", t.allowReplace())
        .put("created_by", t.createdBy())
        .put("created_at_ms", t.createdAtMs());
  }

  static JsonObject nodeJson(NodeRecord n) {
    return new JsonObject()
        .put("node_id", n.nodeId())
        .put("name", n.name())
        .put("role", n.role())
        .put("labels", new JsonObject(new java.util.HashMap<>(n.labels())))
        .put("api_endpoint", n.apiEndpoint())
        .put("etcd_peer_url", n.etcdPeerUrl())
        .put("mesh_ip", n.meshIp())
        .put("cert_fingerprint", n.certFingerprint())
        .put("cert_not_after_ms", n.certNotAfterMs())
        .put("joined_at_ms", n.joinedAtMs())
        .put("revoked", n.revoked());
  }

  /** A reported JSON object as is; anything else (an agent's older or odd status) as null. */
  @SuppressWarnings("unchecked")
  static JsonObject objectOrNull(Object value) {
    return value instanceof java.util.Map<?, ?> m
        ? new JsonObject(new java.util.LinkedHashMap<>((java.util.Map<String, Object>) m))
        : null;
  }

  private static boolean isLoopback(String address) {
    return address != null
        && (address.startsWith("127.")
            || address.equals("::1")
            || address.equals("0:0:0:0:0:0:0:1"));
  }
}
