package io.uptimemesh.web.mesh;

import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.IdentityConfig;
import io.uptimemesh.web.identity.IdentityRoutes;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Assembles the mesh routes over one etcd runtime; the server and the tests use it. */
public final class MeshModule {
  /** The keep-alive comment interval of desired-state streams in production. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private MeshModule() {}

  public static MeshRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      IdentityRoutes identityRoutes,
      Events events,
      Duration keepAlive) {
    return new MeshRoutes(
        vertx,
        identityRoutes.nodeRequests(),
        identityRoutes.authHandler(),
        new WireGuardRegistrations(etcd.store(), etcd.cache(), events, identity.clock()),
        new WireGuardRotations(etcd.store(), etcd.cache(), events, identity.clock()),
        new DesiredStateHub(etcd.store(), etcd.cache(), identity.meshCidr()),
        keepAlive);
  }
}
