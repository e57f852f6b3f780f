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
   * Changes {@code username}'s password after checking the current one; clears the forced change.
   * One compare-and-swap on the user's record, so two concurrent changes cannot both win.
   *
   * @return fails with 401 for a wrong current password, 400 for a new one that is too short or
   *     equal to the current one, 409 if the account changed meanwhile
   */
  public Future<Void> changePassword(String username, char[] current, char[] next) {
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
                        return store.compareAndSwap(key, found.get().modRevision(), changed);
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
