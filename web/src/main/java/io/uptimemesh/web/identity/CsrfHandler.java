package io.uptimemesh.web.identity;

import io.uptimemesh.core.auth.RandomSecrets;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Refuses a state-changing request that a browser session makes without its CSRF token (403 naming
 * the header), before any route. Installed once on the whole router, like the write guard, so a new
 * route cannot forget it. Requests with an {@code Authorization} header are API clients: the cookie
 * is not used for them, so they need no token. Logging in needs none either: it is how a session
 * starts, and SameSite=Strict keeps other sites from sending the cookie at all.
 */
public final class CsrfHandler implements Handler<RoutingContext> {
  private static final Set<HttpMethod> SAFE =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final Set<String> LOGIN_PATHS =
      Set.of("/api/v1/auth/login", "/api/v1/auth/session");

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (SAFE.contains(method)
        || ctx.request().getHeader("Authorization") != null
        || (method.equals(HttpMethod.POST) && LOGIN_PATHS.contains(ctx.request().path()))) {
      ctx.next();
      return;
    }
    String session = SessionCookie.token(ctx);
    if (session == null) {
      ctx.next(); // not a browser session: the route's own login check decides
      return;
    }
    String sent = ctx.request().getHeader(SessionCookie.CSRF_HEADER);
    if (sent == null || sent.isBlank()) {
      ctx.fail(
          new UptimeMeshException(
              ErrorCode.FORBIDDEN,
              "missing "
                  + SessionCookie.CSRF_HEADER
                  + " header: a browser session's writes must send the csrf_token of GET"
                  + " /api/v1/auth/session"));
      return;
    }
    if (!RandomSecrets.constantTimeEquals(sent, SessionCookie.csrfToken(session))) {
      ctx.fail(
          new UptimeMeshException(
              ErrorCode.FORBIDDEN,
              "wrong "
                  + SessionCookie.CSRF_HEADER
                  + " header: it does not belong to this session; reload the page"));
      return;
    }
    ctx.next();
  }
}
