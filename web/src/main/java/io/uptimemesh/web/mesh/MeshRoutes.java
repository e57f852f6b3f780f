package io.uptimemesh.web.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.AuthHandler;
import io.uptimemesh.web.identity.NodeRequestAuth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The mesh routes: a node registers its WireGuard public keys and endpoints, reads or streams its
 * desired state; an operator asks a node to rotate its keys. Node routes are signed with the node's
 * identity key ({@link NodeRequestAuth}); the rotation needs a login.
 */
public final class MeshRoutes {
  private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

  private final Vertx vertx;
  private final NodeRequestAuth nodeAuth;
  private final AuthHandler loggedIn;
  private final WireGuardRegistrations registrations;
  private final WireGuardRotations rotations;
  private final DesiredStateHub hub;
  private final Duration keepAlive;

  public MeshRoutes(
      Vertx vertx,
      NodeRequestAuth nodeAuth,
      AuthHandler loggedIn,
      WireGuardRegistrations registrations,
      WireGuardRotations rotations,
      DesiredStateHub hub,
      Duration keepAlive) {
    this.vertx = vertx;
    this.nodeAuth = nodeAuth;
    this.loggedIn = loggedIn;
    this.registrations = registrations;
    this.rotations = rotations;
    this.hub = hub;
    this.keepAlive = keepAlive;
  }

  public DesiredStateHub hub() {
    return hub;
  }

  public void addRoutes(Router router) {
    router.put("/api/v1/nodes/:id/wireguard").handler(this::register);
    router.get("/api/v1/nodes/:id/desired-state").handler(this::desiredState);
    router.get("/api/v1/nodes/:id/desired-state/stream").handler(this::stream);
    router.post("/api/v1/nodes/:id/rotate-wg-keys").handler(loggedIn).handler(this::rotate);
  }

  private void register(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    JsonNode json = nodeAuth.body(ctx);
    registrations
        .register(id, json, IdempotencyHandler.claim(ctx))
        .onSuccess(
            r ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("node_id", r.nodeId())
                        .put("key_generation", r.keyGeneration())
                        .put("revision", r.revision())))
        .onFailure(ctx::fail);
  }

  private void desiredState(RoutingContext ctx) {
    String id = authenticateRead(ctx);
    MeshView view = hub.view();
    // A document of a thousand peers is a few hundred kilobytes of JSON: made off the event loop.
    vertx
        .executeBlocking(() -> view.stateOf(id).map(s -> new Doc(s.revision(), s.toJson())))
        .onSuccess(
            doc -> {
              if (doc.isEmpty()) {
                ctx.fail(notRegistered(id));
                return;
              }
              ctx.response()
                  .setStatusCode(200)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .putHeader("ETag", "\"" + doc.get().revision() + "\"")
                  .end(io.vertx.core.buffer.Buffer.buffer(doc.get().json()));
            })
        .onFailure(ctx::fail);
  }

  private record Doc(long revision, byte[] json) {}

  private void stream(RoutingContext ctx) {
    String id = authenticateRead(ctx);
    String digest = ctx.request().getParam("digest");
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw UptimeMeshException.invalid("digest must be 64 hex digits (SHA-256)");
    }
    String revision = ctx.request().getParam("revision");
    if (revision != null && !revision.matches("[0-9]{1,19}")) {
      throw UptimeMeshException.invalid("revision must be a whole number");
    }
    DesiredStateStream stream = new DesiredStateStream(vertx, ctx.response(), id, hub::unregister);
    // Registered before the view is read: no view published meanwhile is missed.
    MeshView view = hub.register(stream);
    vertx
        .executeBlocking(() -> DesiredStateStream.First.of(view, id, digest))
        .onSuccess(
            first -> {
              if (first.isEmpty()) {
                hub.unregister(stream);
                ctx.fail(notRegistered(id));
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

  private void rotate(RoutingContext ctx) {
    String id = NodeIds.validate(ctx.pathParam("id"));
    rotations
        .rotate(id, Events.user(AuthHandler.user(ctx)), IdempotencyHandler.claim(ctx))
        .onSuccess(
            gen ->
                Responses.json(
                    ctx, 202, new JsonObject().put("node_id", id).put("wg_key_generation", gen)))
        .onFailure(ctx::fail);
  }

  private String authenticateRead(RoutingContext ctx) {
    return nodeAuth.bodiless(ctx);
  }

  private static UptimeMeshException notRegistered(String id) {
    return UptimeMeshException.conflict(
        "node "
            + id
            + " has not registered its WireGuard keys yet (PUT /api/v1/nodes/"
            + id
            + "/wireguard)");
  }
}
