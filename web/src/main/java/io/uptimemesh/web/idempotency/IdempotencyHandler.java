package io.uptimemesh.web.idempotency;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.idempotency.IdempotencyRecord;
import io.uptimemesh.core.pki.SecretBox;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.Versioned;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every mutating request that carries an {@code Idempotency-Key} safe to repeat, installed by
 * the API server on every route (after the body is read, before any route).
 *
 * <ul>
 *   <li>A key seen before, for the same request, returns the first answer (with {@value
 *       IdempotencyKeys#REPLAYED_HEADER}) and applies nothing.
 *   <li>A key seen before for another request (method, path or body differ) is refused with 422.
 *   <li>A new key becomes an {@link IdempotencyClaim} that the route hands to the transaction of
 *       its change ({@link #claim}); the claim is stored with the change, so a change is never
 *       applied twice even if the core node dies before answering. The answer is added to the claim
 *       (sealed: answers can carry secrets shown once) before the response is sent ({@link
 *       #recordAnswer}).
 * </ul>
 *
 * Error answers are not recorded: a client that got a 4xx or 503 may retry for real. Keys live
 * {@value #KEY_TTL_HOURS} hours.
 */
public final class IdempotencyHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(IdempotencyHandler.class);
  static final int KEY_TTL_HOURS = 24;
  private static final String PENDING = "uptimemesh.idempotency";
  private static final String PURPOSE = "uptimemesh-idempotent-answer-v1";
  private static final Set<HttpMethod> READS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  /** How long a repeat waits for the answer of a first request that is still being answered. */
  private static final int ANSWER_POLLS = 5;

  private static final long ANSWER_POLL_MS = 100;

  private final Vertx vertx;
  private final EtcdStore store;
  private final String signingKey;
  private final Clock clock;
  private final IdempotencyLeases leases;
  private final SecretBox box = new SecretBox(PURPOSE);
  private final java.util.function.Function<String, java.util.Optional<String>> sessions;

  /**
   * @param signingKey {@code CLUSTER_SIGNING_KEY}: stored answers are sealed with it
   * @param sessions the user behind a bearer token, if that session is valid now
   */
  public IdempotencyHandler(
      Vertx vertx,
      EtcdStore store,
      String signingKey,
      Clock clock,
      java.util.function.Function<String, java.util.Optional<String>> sessions) {
    this.sessions = sessions;
    this.vertx = vertx;
    this.store = store;
    this.signingKey = signingKey;
    this.clock = clock;
    this.leases =
        new IdempotencyLeases(store, Duration.ofHours(KEY_TTL_HOURS), Duration.ofHours(1), clock);
  }

  /** The claim of this request's key, for the transaction of its change; NONE without a key. */
  public static IdempotencyClaim claim(RoutingContext ctx) {
    Pending pending = ctx.get(PENDING);
    return pending == null ? IdempotencyClaim.NONE : pending.claim;
  }

  /**
   * Stores a successful answer with this request's key before it is sent; does nothing for a
   * request without a key or for an error. Never fails: the answer is sent either way.
   */
  public static Future<Void> recordAnswer(RoutingContext ctx, int status, String body) {
    Pending pending = ctx.get(PENDING);
    if (pending == null || status < 200 || status >= 300) {
      return Future.succeededFuture();
    }
    return pending.owner.store(pending.claim, status, body);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = ctx.request().getHeader(IdempotencyKeys.HEADER);
    if (key == null
        || READS.contains(ctx.request().method())
        // Exempt writes repair etcd itself (a restore) and run while etcd cannot be asked.
        || io.uptimemesh.web.WriteGuard.isExempt(ctx.request().method(), ctx.request().path())
        // The bootstrap answer holds the admin password and the route checks the caller is
        // local: no stored answer may bypass that. It happens once anyway.
        || ctx.request().path().equals("/api/v1/bootstrap")) {
      ctx.next();
      return;
    }
    // Stored answers are replayed before the route's own login check runs: a key counts only
    // for a session that is valid now, and belongs to its user. Without one, the route refuses.
    java.util.Optional<String> caller = caller(ctx);
    if (caller.isEmpty()) {
      ctx.next();
      return;
    }
    String etcdKey;
    String requestHash;
    try {
      IdempotencyKeys.validate(key);
      etcdKey = store.layout().idempotency(IdempotencyKeys.storageId(caller.get(), key));
      Buffer body = ctx.body().buffer();
      requestHash =
          IdempotencyKeys.requestHash(
              ctx.request().method().name(),
              ctx.request().uri(),
              body == null ? new byte[0] : body.getBytes());
    } catch (UptimeMeshException e) {
      ctx.fail(e);
      return;
    }
    store
        .get(etcdKey, IdempotencyRecord.class)
        .compose(
            found -> {
              if (found.isPresent()) {
                return replay(ctx, found.get(), requestHash, etcdKey, ANSWER_POLLS);
              }
              return leases
                  .lease()
                  .map(
                      leaseId -> {
                        IdempotencyClaim claim =
                            new IdempotencyClaim(
                                etcdKey,
                                leaseId,
                                IdempotencyRecord.claim(requestHash, clock.millis()));
                        ctx.put(PENDING, new Pending(this, claim));
                        ctx.addEndHandler(
                            v -> {
                              // A failed change may have failed on the shared lease itself (gone
                              // after a restore): take a new one for the next request.
                              if (ctx.response().getStatusCode() >= 500
                                  && claim.committedRevision().isEmpty()) {
                                leases.invalidate();
                              }
                            });
                        ctx.next();
                        return null;
                      });
            })
        .onFailure(ctx::fail);
  }

  private Future<Void> replay(
      RoutingContext ctx,
      Versioned<IdempotencyRecord> stored,
      String requestHash,
      String etcdKey,
      int pollsLeft) {
    IdempotencyRecord record = stored.value();
    if (!record.requestHash().equals(requestHash)) {
      return Future.failedFuture(
          new UptimeMeshException(
              ErrorCode.IDEMPOTENCY_KEY_REUSED,
              "this Idempotency-Key was already used for another request (method, path or body"
                  + " differ): use a new key for a new request"));
    }
    if (record.answered()) {
      String body;
      try {
        body =
            new String(
                box.open(record.sealedBody(), signingKey, "the stored answer"),
                StandardCharsets.UTF_8);
      } catch (SecretBox.WrongKeyException e) {
        return Future.failedFuture(
            new UptimeMeshException(
                ErrorCode.INTERNAL,
                "cannot read the stored answer of this Idempotency-Key: CLUSTER_SIGNING_KEY"
                    + " differs between core nodes"));
      }
      send(ctx, record.status(), body, true);
      return Future.succeededFuture();
    }
    if (pollsLeft > 0) {
      // The first request may still be on its way to record its answer: wait a moment for it.
      Promise<Void> done = Promise.promise();
      vertx.setTimer(
          ANSWER_POLL_MS,
          t ->
              store
                  .get(etcdKey, IdempotencyRecord.class)
                  .compose(
                      again ->
                          again.isPresent()
                              ? replay(ctx, again.get(), requestHash, etcdKey, pollsLeft - 1)
                              : Future.failedFuture(
                                  UptimeMeshException.conflict(
                                      "the stored answer of this Idempotency-Key expired; send it"
                                          + " again")))
                  .onComplete(done));
      return done.future();
    }
    JsonObject lost =
        new JsonObject()
            .put("idempotent_replay", true)
            .put("applied_revision", stored.modRevision())
            .put(
                "message",
                "this request was already applied (etcd revision "
                    + stored.modRevision()
                    + "); the core node that applied it stopped before recording its answer");
    send(ctx, 200, lost.encode(), true);
    return Future.succeededFuture();
  }

  private Future<Void> store(IdempotencyClaim claim, int status, String body) {
    String sealed = box.seal(body.getBytes(StandardCharsets.UTF_8), signingKey);
    var committed = claim.committedRevision();
    var tx = store.transaction();
    if (committed.isEmpty()) {
      // This route's change was not one transaction with the claim (or changed nothing in etcd):
      // record the answer after the fact, unless another request with the key got there first.
      tx.requireAbsent(claim.key());
    }
    IdempotencyRecord answered = claim.record().answered(status, sealed, committed.orElse(0L));
    return tx.put(claim.key(), answered, claim.leaseId())
        .commit("record the answer of an idempotent request")
        .<Void>mapEmpty()
        .recover(
            t -> {
              leases.invalidate();
              log.warn(
                  "could not record the answer of an idempotent request (a repeat will say"
                      + " 'applied' without it): {}",
                  t.getMessage());
              return Future.succeededFuture();
            });
  }

  private static void send(RoutingContext ctx, int status, String body, boolean replayed) {
    var response =
        ctx.response()
            .setStatusCode(status)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store");
    if (replayed) {
      response.putHeader(IdempotencyKeys.REPLAYED_HEADER, "true");
    }
    response.end(body);
  }

  /**
   * Whose key this is, hashed into the stored id: the user of a valid session (bearer token or
   * session cookie); a node by its certificate fingerprint (its route verifies the signature; its
   * answers hold no secret); or "anonymous" for routes whose body carries its own credential
   * (login, join), so a replay needs the same password or join token. Empty for a bearer token that
   * is not a valid session.
   */
  private java.util.Optional<String> caller(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null) {
      String bearer =
          authorization.regionMatches(true, 0, "Bearer ", 0, 7)
              ? authorization.substring(7).strip()
              : "";
      return sessions.apply(bearer).map(user -> "user:" + user);
    }
    String fingerprint = ctx.request().getHeader(HeartbeatSignatures.FINGERPRINT_HEADER);
    if (fingerprint != null) {
      return java.util.Optional.of("node:" + fingerprint);
    }
    // A browser session is its user too, or two users' keys would meet as "anonymous".
    String cookie = io.uptimemesh.web.identity.SessionCookie.token(ctx);
    java.util.Optional<String> browserUser =
        cookie == null ? java.util.Optional.empty() : sessions.apply(cookie);
    if (browserUser.isPresent()) {
      return java.util.Optional.of("user:" + browserUser.get());
    }
    return java.util.Optional.of("anonymous");
  }

  /** A request whose key was claimed, waiting for its change and answer. */
  private record Pending(IdempotencyHandler owner, IdempotencyClaim claim) {}
}
