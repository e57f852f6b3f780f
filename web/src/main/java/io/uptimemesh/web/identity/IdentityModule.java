package io.uptimemesh.web.identity;

import io.uptimemesh.core.auth.PasswordHasher;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Vertx;

/** Assembles the identity services over one etcd runtime; the server and the tests use it. */
public final class IdentityModule {
  private IdentityModule() {}

  public static IdentityRoutes routes(Vertx vertx, EtcdRuntime etcd, IdentityConfig identity) {
    EtcdStore store = etcd.store();
    WatchCache cache = etcd.cache();
    PasswordHasher hasher = new PasswordHasher();
    ClusterAuthority authority = new ClusterAuthority(store, cache, identity.signingKey());
    HeartbeatService heartbeats = new HeartbeatService(store, cache, authority, identity);
    return new IdentityRoutes(
        new BootstrapService(vertx, store, cache, identity, hasher),
        new AuthService(vertx, store, cache, identity, hasher),
        new TokenService(store, cache, authority, identity),
        new JoinService(vertx, store, cache, authority, identity),
        heartbeats,
        new NodeService(store, cache, identity, heartbeats),
        new RenewalService(store, cache, authority, identity, heartbeats),
        authority,
        new CoreAdmission(store, cache, etcd.members()));
  }
}
