package io.uptimemesh.web.ui;

import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.IdentityRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;

/**
 * The operator console: its session routes, its change stream and its assets, over the identity
 * routes' services and the etcd runtime's watch cache. One per server.
 */
public final class UiModule {
  /** Keep-alive comments on change streams. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final SessionRoutes sessions;
  private final ChangeRoutes changes;
  private final UiRoutes assets = new UiRoutes();

  /**
   * @param secureCookie true when {@code APP_ENV=prod}: the session cookie is sent over HTTPS only
   */
  public UiModule(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityRoutes identity,
      boolean secureCookie,
      Duration keepAlive) {
    this.sessions = new SessionRoutes(identity.auth(), identity.loginLimiter(), secureCookie);
    this.changes =
        new ChangeRoutes(
            vertx,
            new ChangeFeed(etcd.cache(), etcd.store().layout()),
            identity.authHandler(),
            keepAlive);
  }

  public void addRoutes(Router router) {
    sessions.addRoutes(router);
    changes.addRoutes(router);
    assets.addRoutes(router);
  }

  /** Ends the open change streams (server shutdown). */
  public void closeStreams() {
    changes.closeStreams();
  }
}
