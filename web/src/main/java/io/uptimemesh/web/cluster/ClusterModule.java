package io.uptimemesh.web.cluster;

import io.uptimemesh.core.auth.PasswordHasher;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.leader.ClusterLock;
import io.uptimemesh.etcd.leader.LeaderElection;
import io.uptimemesh.web.identity.AuthService;
import io.uptimemesh.web.identity.IdentityConfig;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Assembles the cluster routes over one etcd runtime; the server and the tests use it. */
public final class ClusterModule {
  private ClusterModule() {}

  /**
   * @param election this core node's election (started by the caller)
   * @param lock the cluster locks of this core node
   * @param pruneAfter how long a node must be stale or revoked before pruning removes it
   */
  public static ClusterRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      LeaderElection election,
      ClusterLock lock,
      Duration pruneAfter) {
    // Sessions live in etcd: this AuthService accepts the same logins as the identity routes'.
    AuthService auth =
        new AuthService(
            vertx,
            etcd.store(),
            etcd.cache(),
            identity,
            new PasswordHasher(),
            io.uptimemesh.core.events.Events.NONE);
    NodePruneService pruner =
        new NodePruneService(etcd.store(), etcd.cache(), lock, pruneAfter, identity.clock());
    return new ClusterRoutes(election, pruner, auth);
  }
}
