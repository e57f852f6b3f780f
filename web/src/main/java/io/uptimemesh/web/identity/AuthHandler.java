package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Requires a valid session: {@code Authorization: Bearer <token>}, or the browser's session cookie
 * (whose writes {@link CsrfHandler} has already checked). Puts the username into the context for
 * the handlers after it. A browser session of a user who must still change the bootstrap password
 * may only change it (and see or end its session): 403 elsewhere.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  private static final String USER = "user";
  private final AuthService auth;
  private final boolean enforcePasswordChange;

  public AuthHandler(AuthService auth) {
    this(auth, true);
  }

  /**
   * @param enforcePasswordChange false for the routes a user who must change the password needs
   */
  public AuthHandler(AuthService auth, boolean enforcePasswordChange) {
    this.auth = auth;
    this.enforcePasswordChange = enforcePasswordChange;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<String> user = auth.authenticate(bearer(ctx));
    if (user.isEmpty()) {
      ctx.fail(
          new UptimeMeshException(
              ErrorCode.UNAUTHORIZED,
              "login required: run uptimemesh login, or send Authorization: Bearer <token>"));
      return;
    }
    if (enforcePasswordChange
        && ctx.request().getHeader("Authorization") == null
        && auth.mustChangePassword(user.get())) {
      ctx.fail(
          new UptimeMeshException(
              ErrorCode.FORBIDDEN,
              "change the bootstrap password first (POST /api/v1/auth/password)"));
      return;
    }
    ctx.put(USER, user.get());
    ctx.next();
  }

  /**
   * The session token of the request: the bearer token, or without an {@code Authorization} header
   * the session cookie; null if neither.
   */
  public static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return SessionCookie.token(ctx);
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).strip();
  }

  public static String user(RoutingContext ctx) {
    return ctx.get(USER);
  }
}
