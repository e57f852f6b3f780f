package io.uptimemesh.web.workload;

import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.AuthHandler;
import java.time.Clock;

/** Assembles the workload routes over one etcd runtime; discovery's module mounts them. */
public final class WorkloadModule {
  private WorkloadModule() {}

  /**
   * @param generationsKept how many generations of a service's spec are kept ({@code
   *     WORKLOAD_GENERATIONS_KEPT})
   */
  public static WorkloadRoutes routes(
      EtcdRuntime etcd, AuthHandler loggedIn, Events events, Clock clock, int generationsKept) {
    return new WorkloadRoutes(
        loggedIn,
        new WorkloadCatalog(etcd.store(), etcd.cache(), events, clock, generationsKept),
        new NodeSchedulingService(etcd.store(), etcd.cache(), events, clock),
        new ReplicaListing(etcd.store()),
        etcd.cache(),
        new RolloutService(etcd.store(), etcd.cache(), events, clock),
        new ReplicaCommands(etcd.store(), etcd.cache(), events, clock));
  }

  /**
   * The leader's rollout job (register it with the other leader jobs).
   *
   * @param interval {@code ROLLOUT_INTERVAL_SECONDS}
   * @param healthTimeout {@code LXD_HEALTH_TIMEOUT_SECONDS}
   */
  public static RolloutJob rolloutJob(
      io.vertx.core.Vertx vertx,
      EtcdRuntime etcd,
      Events events,
      Clock clock,
      java.time.Duration interval,
      java.time.Duration healthTimeout) {
    return new RolloutJob(
        vertx, etcd.store(), etcd.cache(), events, clock, interval, healthTimeout);
  }
}
