package io.uptimemesh.web.ui;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the operator console at {@code /ui/}: static files from the jar's {@code ui/} folder (no
 * CDN: it works on an air-gapped network). The page is a thin client of the JSON API; a strict
 * Content-Security-Policy allows only our own scripts and styles, so even an escaping mistake
 * cannot run injected script.
 */
public final class UiRoutes {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  public void addRoutes(Router router) {
    // Vert.x matches "/ui" for "/ui/" too: redirect only the bare path (relative URLs need the /).
    router
        .get("/ui")
        .handler(
            ctx -> {
              if (ctx.request().path().equals("/ui")) {
                ctx.redirect("/ui/");
              } else {
                ctx.next();
              }
            });
    router.get("/").handler(ctx -> ctx.redirect("/ui/"));
    // GET only: the console's files are read, never written (and every route names its methods).
    router
        .get("/ui/*")
        .handler(UiRoutes::securityHeaders)
        .handler(
            StaticHandler.create("ui")
                .setIndexPage("index.html")
                .setCachingEnabled(false)
                .setDirectoryListing(false));
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cache-Control", "no-store");
    ctx.next();
  }
}
