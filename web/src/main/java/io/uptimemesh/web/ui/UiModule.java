package io.uptimemesh.web.ui;

import io.uptimemesh.web.identity.IdentityRoutes;
import io.vertx.ext.web.Router;

/** The operator console: its session routes and its assets, over the identity routes' services. */
public final class UiModule {
  private final SessionRoutes sessions;
  private final UiRoutes assets = new UiRoutes();

  /**
   * @param secureCookie true when {@code APP_ENV=prod}: the session cookie is sent over HTTPS only
   */
  public UiModule(IdentityRoutes identity, boolean secureCookie) {
    this.sessions = new SessionRoutes(identity.auth(), identity.loginLimiter(), secureCookie);
  }

  public void addRoutes(Router router) {
    sessions.addRoutes(router);
    assets.addRoutes(router);
  }
}
