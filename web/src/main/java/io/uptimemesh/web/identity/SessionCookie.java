package io.uptimemesh.web.identity;

import io.uptimemesh.core.auth.RandomSecrets;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The browser's session: the same random session token an API client sends as a bearer token, kept
 * in an HttpOnly cookie (scripts cannot read it), SameSite=Strict (other sites' pages do not send
 * it), Secure in production. Its CSRF token is derived from the session token, so no extra state is
 * stored: only a page of our origin, which reads it from {@code GET /api/v1/auth/session}, can know
 * it (see ADR 0015).
 */
public final class SessionCookie {
  public static final String NAME = "um_session";

  /** The request header that carries the CSRF token on a browser session's writes. */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private SessionCookie() {}

  /** The session token from the cookie, or null. */
  public static String token(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(NAME);
    if (c == null || c.getValue() == null || c.getValue().isBlank()) {
      return null;
    }
    return c.getValue();
  }

  /**
   * The CSRF token of a session: a one-way function of its 256-bit random token, with a label so it
   * is not the hash that etcd stores as the session's key.
   */
  public static String csrfToken(String sessionToken) {
    return RandomSecrets.sha256Hex("uptimemesh-csrf:" + sessionToken);
  }

  /** Sets the cookie for a new session. */
  public static void set(RoutingContext ctx, String sessionToken, Duration ttl, boolean secure) {
    ctx.response()
        .addCookie(
            Cookie.cookie(NAME, sessionToken)
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(secure)
                .setMaxAge(ttl.toSeconds()));
  }

  /** Tells the browser to forget the cookie. */
  public static void clear(RoutingContext ctx, boolean secure) {
    ctx.response()
        .addCookie(
            Cookie.cookie(NAME, "")
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(secure)
                .setMaxAge(0));
  }
}
