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
    return routes(vertx, etcd, identity, io.uptimemesh.core.events.Events.NONE);
  }

  /** The same, recording joins, revocations, tokens, logins… in {@code events}. */
  public static IdentityRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      io.uptimemesh.core.events.Events events) {
    EtcdStore store = etcd.store();
    WatchCache cache = etcd.cache();
    PasswordHasher hasher = new PasswordHasher();
    ClusterAuthority authority = new ClusterAuthority(store, cache, identity.signingKey());
    HeartbeatService heartbeats = new HeartbeatService(store, cache, authority, identity, events);
    JoinService joins = new JoinService(vertx, store, cache, authority, identity, events);
    return new IdentityRoutes(
        new BootstrapService(vertx, store, cache, identity, hasher, events),
        new AuthService(vertx, store, cache, identity, hasher, events),
        new TokenService(store, cache, authority, identity, events),
        joins,
        heartbeats,
        new NodeService(store, cache, identity, heartbeats, events),
        new RenewalService(store, cache, authority, identity, heartbeats, events),
        authority,
        new CoreAdmission(store, etcd.members(), joins));
  }
}
