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
        etcd.cache());
  }
}
