package io.uptimemesh.web.identity;

import io.uptimemesh.core.auth.PasswordHasher;
import io.uptimemesh.core.auth.RandomSecrets;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.SessionRecord;
import io.uptimemesh.core.identity.UserRecord;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Optional;

/**
 * Operator logins. A session is a random token; etcd stores only its SHA-256, on a lease of the
 * session's lifetime, so every core node accepts it and it ends by itself.
 */
public final class AuthService {
  /** A new session: the token is shown to the client once. */
  public record Session(
      String token, String username, long expiresAtMs, boolean mustChangePassword) {
    @Override
    public String toString() {
      return "Session[username=" + username + "]";
    }
  }

  /** The shortest password {@link #changePassword} accepts. */
  public static final int MIN_PASSWORD_LENGTH = 12;

  private static final UptimeMeshException BAD_LOGIN =
      new UptimeMeshException(ErrorCode.UNAUTHORIZED, "wrong username or password");

  private final Vertx vertx;
  private final EtcdStore store;
  private final WatchCache cache;
  private final IdentityConfig config;
  private final PasswordHasher hasher;
  private final io.uptimemesh.core.events.Events events;

  public AuthService(
      Vertx vertx,
      EtcdStore store,
      WatchCache cache,
      IdentityConfig config,
      PasswordHasher hasher,
      io.uptimemesh.core.events.Events events) {
    this.events = events;
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.config = config;
    this.hasher = hasher;
  }

  /**
   * Checks the password and opens a session.
   *
   * @return the session; fails with 401 (the same message whether the user or the password was
   *     wrong)
   */
  public Future<Session> login(String username, char[] password, IdempotencyClaim claim) {
    return store
        .get(store.layout().user(username), UserRecord.class)
        .compose(
            user ->
                // Argon2id takes tens of milliseconds of CPU: not on the event loop.
                vertx.executeBlocking(
                    () ->
                        user.isPresent()
                            && hasher.verify(password, user.get().value().passwordHash())))
        .compose(
            ok -> {
              if (!ok) {
                recordFailedLogin(username);
                return Future.failedFuture(BAD_LOGIN);
              }
              return open(username, claim)
                  .onSuccess(
                      s ->
                          events.info(
                              io.uptimemesh.core.events.EventCategory.AUTH,
                              "login",
                              io.uptimemesh.core.events.Events.user(username),
                              java.util.Map.of("username", username)));
            });
  }

  /**
   * A failed login names the account only if it exists: a password typed into the username field
   * must not end up in the event log.
   */
  private void recordFailedLogin(String username) {
    boolean known = cache.snapshot().get(store.layout().user(username)).isPresent();
    events.warning(
        io.uptimemesh.core.events.EventCategory.AUTH,
        "login_failed",
        known ? io.uptimemesh.core.events.Events.user(username) : "anonymous",
        known ? java.util.Map.of("username", username) : java.util.Map.of("unknown_user", "true"));
  }

  private Future<Session> open(String username, IdempotencyClaim claim) {
    Instant now = config.clock().instant();
    String token = RandomSecrets.token(32);
    long expires = now.plus(config.sessionTtl()).toEpochMilli();
    SessionRecord record = new SessionRecord(username, now.toEpochMilli(), expires);
    boolean mustChange =
        cache
            .snapshot()
            .get(store.layout().user(username))
            .map(e -> store.decode(e, UserRecord.class).value().mustChangePassword())
            .orElse(false);
    return store
        .grantLease(config.sessionTtl())
        .compose(
            lease ->
                store
                    .transaction()
                    .put(store.layout().session(RandomSecrets.sha256Hex(token)), record, lease)
                    .claim(claim)
                    .commit("open session"))
        .compose(rev -> cache.awaitRevision(rev.orElse(0L), IdentityConfig.READ_YOUR_WRITES))
        .map(v -> new Session(token, username, expires, mustChange));
  }

  /**
   * The user a bearer token belongs to, read from the watch cache (no etcd call per request).
   *
   * @return the username, or empty for an unknown or expired token
   */
  public Optional<String> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    String key = store.layout().session(RandomSecrets.sha256Hex(token));
    long now = config.clock().millis();
    return cache
        .snapshot()
        .get(key)
        .map(e -> store.decode(e, SessionRecord.class).value())
        .filter(s -> s.expiresAtMs() > now)
        .map(SessionRecord::username);
  }

  /** True while {@code username} still has the generated bootstrap password. */
  public boolean mustChangePassword(String username) {
    return cache
        .snapshot()
        .get(store.layout().user(username))
        .map(e -> store.decode(e, UserRecord.class).value().mustChangePassword())
        .orElse(false);
  }

  /** How long a new session lasts. */
  public java.time.Duration sessionTtl() {
    return config.sessionTtl();
  }

  /**
   * Changes {@code username}'s password after checking the current one; clears the forced change,
   * and ends every other session of the user (browser and bearer alike: they share the session
   * keys), since whoever changes a password may be locking out someone who learned the old one. The
   * session that made the change ({@code keepToken}) stays. One transaction: the user's record only
   * if unchanged since it was read (two concurrent changes cannot both win), and the deletes.
   *
   * @param keepToken the session token of the request, or null to end every session of the user
   * @return fails with 401 for a wrong current password, 400 for a new one that is too short or
   *     equal to the current one, 409 if the account changed meanwhile
   */
  public Future<Void> changePassword(
      String username, String keepToken, char[] current, char[] next) {
    if (next.length < MIN_PASSWORD_LENGTH) {
      return Future.failedFuture(
          UptimeMeshException.invalid(
              "new_password: expected at least " + MIN_PASSWORD_LENGTH + " characters"));
    }
    if (java.util.Arrays.equals(current, next)) {
      return Future.failedFuture(
          UptimeMeshException.invalid(
              "new_password: expected a password other than the current one"));
    }
    String key = store.layout().user(username);
    String keep =
        keepToken == null ? null : store.layout().session(RandomSecrets.sha256Hex(keepToken));
    return store
        .get(key, UserRecord.class)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(BAD_LOGIN);
              }
              UserRecord user = found.get().value();
              return vertx
                  .executeBlocking(
                      () ->
                          hasher.verify(current, user.passwordHash())
                              ? java.util.Optional.of(hasher.hash(next))
                              : java.util.Optional.<String>empty())
                  .compose(
                      hash -> {
                        if (hash.isEmpty()) {
                          recordFailedLogin(username);
                          return Future.failedFuture(
                              new UptimeMeshException(
                                  ErrorCode.UNAUTHORIZED, "current_password: wrong password"));
                        }
                        UserRecord changed =
                            new UserRecord(username, hash.get(), false, user.createdAtMs());
                        // Read from etcd, not the cache: a session opened a moment ago ends too.
                        return store
                            .list(store.layout().sessionsPrefix(), SessionRecord.class)
                            .compose(
                                sessions -> {
                                  java.util.List<String> others =
                                      sessions.stream()
                                          .filter(s -> username.equals(s.value().username()))
                                          .map(io.uptimemesh.etcd.Versioned::key)
                                          .filter(k -> !k.equals(keep))
                                          .toList();
                                  var tx =
                                      store
                                          .transaction()
                                          .requireModRevision(key, found.get().modRevision())
                                          .put(key, changed);
                                  int first = Math.min(others.size(), SESSIONS_PER_TXN);
                                  others.subList(0, first).forEach(tx::delete);
                                  return tx.commit("change the password of " + username)
                                      .compose(
                                          rev ->
                                              rev.isEmpty()
                                                  ? Future.succeededFuture(rev)
                                                  : endSessions(
                                                          others.subList(first, others.size()))
                                                      .map(rev));
                                });
                      });
            })
        .compose(
            rev -> {
              if (rev.isEmpty()) {
                return Future.failedFuture(
                    UptimeMeshException.conflict(
                        "the account of " + username + " changed meanwhile; try again"));
              }
              events.info(
                  io.uptimemesh.core.events.EventCategory.AUTH,
                  "password_changed",
                  io.uptimemesh.core.events.Events.user(username),
                  java.util.Map.of("username", username));
              return cache.awaitRevision(rev.get(), IdentityConfig.READ_YOUR_WRITES);
            });
  }

  /**
   * etcd refuses a transaction of more than 128 operations (its --max-txn-ops default): a user with
   * more sessions than fit beside the password change has the rest ended in further transactions
   * right after it (a session is a single key, so a partial end leaves nothing inconsistent).
   */
  private static final int SESSIONS_PER_TXN = 100;

  private Future<Void> endSessions(java.util.List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = Math.min(keys.size(), SESSIONS_PER_TXN);
    var tx = store.transaction();
    keys.subList(0, n).forEach(tx::delete);
    return tx.commit("end old sessions").compose(r -> endSessions(keys.subList(n, keys.size())));
  }

  /** Ends the session of {@code token}; succeeds whether or not it existed. */
  public Future<Void> logout(String token, IdempotencyClaim claim) {
    String key = store.layout().session(RandomSecrets.sha256Hex(token));
    return store
        .transaction()
        .delete(key)
        .claim(claim)
        .commit("close session")
        .compose(rev -> cache.awaitRevision(rev.orElse(0L), IdentityConfig.READ_YOUR_WRITES));
  }
}
