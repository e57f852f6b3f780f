package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.TokenRecord;
import io.uptimemesh.core.token.JoinToken;
import io.uptimemesh.core.token.NodeRole;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Join tokens: create (the secret is shown once), list (never the secret), revoke. */
public final class TokenService {
  private static final Duration MAX_TTL = Duration.ofDays(365);

  private final EtcdStore store;
  private final WatchCache cache;
  private final ClusterAuthority authority;
  private final IdentityConfig config;
  private final io.uptimemesh.core.events.Events events;

  public TokenService(
      EtcdStore store,
      WatchCache cache,
      ClusterAuthority authority,
      IdentityConfig config,
      io.uptimemesh.core.events.Events events) {
    this.events = events;
    this.store = store;
    this.cache = cache;
    this.authority = authority;
    this.config = config;
  }

  /** A token as created: its string form is shown once. */
  public record Created(String token, TokenRecord record) {
    @Override
    public String toString() {
      return "Created[" + record.id() + "]";
    }
  }

  /**
   * Creates a token.
   *
   * @return the token; fails with 400 for a bad TTL, use count or label, 409 if not bootstrapped
   */
  public Future<Created> create(
      NodeRole role,
      Duration ttl,
      int uses,
      Map<String, String> labels,
      boolean allowReplace,
      String createdBy,
      IdempotencyClaim claim) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      return Future.failedFuture(
          UptimeMeshException.invalid("ttl must be between 1s and 365d, not " + ttl));
    }
    if (uses < 1 || uses > 10_000) {
      return Future.failedFuture(UptimeMeshException.invalid("uses must be 1..10000, not " + uses));
    }
    try {
      // The labels a joining node gets: the same rules as labels given at the join.
      Labels.validate(labels);
    } catch (UptimeMeshException e) {
      return Future.failedFuture(e);
    }
    String pin =
        authority
            .record()
            .orElseThrow(
                () ->
                    new UptimeMeshException(
                        io.uptimemesh.core.error.ErrorCode.CONFLICT,
                        "the cluster is not bootstrapped yet: run uptimemesh bootstrap"))
            .pin();
    Instant now = config.clock().instant();
    JoinToken token = JoinToken.generate(pin);
    TokenRecord record =
        new TokenRecord(
            token.id(),
            token.secretHash(),
            role.wireName(),
            uses,
            now.plus(ttl).toEpochMilli(),
            labels,
            allowReplace,
            createdBy,
            now.toEpochMilli());
    return store
        .transaction()
        .requireAbsent(store.layout().token(token.id()))
        .put(store.layout().token(token.id()), record)
        .claim(claim)
        .commit("create token")
        .compose(rev -> cache.awaitRevision(rev.orElse(0L), IdentityConfig.READ_YOUR_WRITES))
        .map(
            v -> {
              events.info(
                  io.uptimemesh.core.events.EventCategory.TOKEN,
                  "created",
                  io.uptimemesh.core.events.Events.user(createdBy),
                  Map.of(
                      "token_id", record.id(),
                      "role", record.role(),
                      "uses", Integer.toString(uses),
                      "expires_at_ms", Long.toString(record.expiresAtMs())));
              return new Created(token.encoded(), record);
            });
  }

  /** Every token, from the watch cache, oldest first. */
  public List<TokenRecord> list() {
    return cache.snapshot().withPrefix(store.layout().tokensPrefix()).values().stream()
        .map(e -> store.decode(e, TokenRecord.class).value())
        .sorted(java.util.Comparator.comparingLong(TokenRecord::createdAtMs))
        .toList();
  }

  /**
   * Revokes a token.
   *
   * @return succeeds when deleted; fails with 404 if there is no such token
   */
  public Future<Void> revoke(String id, IdempotencyClaim claim) {
    return revoke(id, claim, io.uptimemesh.core.events.Events.SYSTEM);
  }

  /** Revokes a token; {@code actor} (e.g. {@code user:admin}) is recorded in the event log. */
  public Future<Void> revoke(String id, IdempotencyClaim claim, String actor) {
    String key = store.layout().token(id);
    return store
        .get(key, TokenRecord.class)
        .compose(
            found ->
                found.isEmpty()
                    ? Future.failedFuture(UptimeMeshException.notFound("no token with id " + id))
                    : store
                        .transaction()
                        .requireModRevision(key, found.get().modRevision())
                        .delete(key)
                        .claim(claim)
                        .commit("revoke token " + id)
                        .compose(
                            rev ->
                                cache.awaitRevision(
                                    rev.orElse(0L), IdentityConfig.READ_YOUR_WRITES))
                        .onSuccess(
                            v ->
                                events.info(
                                    io.uptimemesh.core.events.EventCategory.TOKEN,
                                    "revoked",
                                    actor,
                                    Map.of("token_id", id))));
  }
}
