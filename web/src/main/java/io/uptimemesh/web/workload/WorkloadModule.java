package io.uptimemesh.web.workload;

import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.AuthHandler;
import java.time.Clock;

/** Assembles the workload routes over one etcd runtime; discovery's module mounts them. */
public final class WorkloadModule {
  private WorkloadModule() {}

  public static WorkloadRoutes routes(
      EtcdRuntime etcd, AuthHandler loggedIn, Events events, Clock clock) {
    return new WorkloadRoutes(
        loggedIn,
        new WorkloadCatalog(etcd.store(), etcd.cache(), events, clock),
        new NodeSchedulingService(etcd.store(), etcd.cache(), events, clock),
        new ReplicaListing(etcd.store()),
        etcd.cache());
  }
}
