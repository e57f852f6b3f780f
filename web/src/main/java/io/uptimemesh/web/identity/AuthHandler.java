package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Requires a valid session: {@code Authorization: Bearer <token>}. Puts the username into the
 * context for the handlers after it.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  private static final String USER = "user";
  private final AuthService auth;

  public AuthHandler(AuthService auth) {
    this.auth = auth;
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
    ctx.put(USER, user.get());
    ctx.next();
  }

  /** The bearer token of the request, or null. */
  public static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).strip();
  }

  public static String user(RoutingContext ctx) {
    return ctx.get(USER);
  }
}
