package io.uptimemesh.web.ui;

import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.AuthHandler;
import io.uptimemesh.web.identity.AuthService;
import io.uptimemesh.web.identity.LoginRateLimiter;
import io.uptimemesh.web.identity.SessionCookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The browser's session and the password change, over the same {@link AuthService} as the bearer
 * API:
 *
 * <ul>
 *   <li>{@code POST /api/v1/auth/session {username,password}}: logs in (rate limited like {@code
 *       /api/v1/auth/login}), sets the session cookie, answers the CSRF token; the session token
 *       itself is never in the body;
 *   <li>{@code GET /api/v1/auth/session}: who is logged in, the CSRF token, whether the password
 *       must be changed first;
 *   <li>{@code DELETE /api/v1/auth/session}: logs out and clears the cookie;
 *   <li>{@code POST /api/v1/auth/password {current_password,new_password}}: for bearer and browser
 *       sessions alike; ends every other session of the user.
 * </ul>
 */
public final class SessionRoutes {
  private final AuthService auth;
  private final LoginRateLimiter limiter;
  private final boolean secureCookie;

  /**
   * @param secureCookie marks the cookie Secure (production, served behind TLS)
   */
  public SessionRoutes(AuthService auth, LoginRateLimiter limiter, boolean secureCookie) {
    this.auth = auth;
    this.limiter = limiter;
    this.secureCookie = secureCookie;
  }

  public void addRoutes(Router router) {
    AuthHandler session = new AuthHandler(auth, false);
    router.post("/api/v1/auth/session").handler(limiter).handler(this::login);
    router.get("/api/v1/auth/session").handler(session).handler(this::show);
    router.delete("/api/v1/auth/session").handler(session).handler(this::logout);
    router.post("/api/v1/auth/password").handler(session).handler(this::changePassword);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    String username = Bodies.requiredString(body, "username");
    String password = Bodies.requiredString(body, "password");
    auth.login(username, password.toCharArray(), IdempotencyHandler.claim(ctx))
        .onSuccess(
            s -> {
              SessionCookie.set(ctx, s.token(), auth.sessionTtl(), secureCookie);
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("username", s.username())
                      .put("csrf_token", SessionCookie.csrfToken(s.token()))
                      .put("expires_at_ms", s.expiresAtMs())
                      .put("must_change_password", s.mustChangePassword()));
            })
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String user = AuthHandler.user(ctx);
    String token = AuthHandler.bearer(ctx);
    Responses.json(
        ctx,
        200,
        new JsonObject()
            .put("username", user)
            .put("csrf_token", SessionCookie.csrfToken(token))
            .put("must_change_password", auth.mustChangePassword(user)));
  }

  private void logout(RoutingContext ctx) {
    auth.logout(AuthHandler.bearer(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            v -> {
              SessionCookie.clear(ctx, secureCookie);
              Responses.json(ctx, 200, new JsonObject().put("logged_out", true));
            })
        .onFailure(ctx::fail);
  }

  private void changePassword(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    String current = Bodies.requiredString(body, "current_password");
    String next = Bodies.requiredString(body, "new_password");
    // The session that changes the password stays; every other one of the user ends.
    auth.changePassword(
            AuthHandler.user(ctx),
            AuthHandler.bearer(ctx),
            current.toCharArray(),
            next.toCharArray())
        .onSuccess(v -> Responses.json(ctx, 200, new JsonObject().put("changed", true)))
        .onFailure(ctx::fail);
  }
}
