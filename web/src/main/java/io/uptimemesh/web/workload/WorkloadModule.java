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

  /**
   * The node-signed routes: workloads documents and their streams, replica statuses.
   *
   * @param keepAlive the keep-alive comment interval of the streams
   */
  public static NodeWorkloads nodeRoutes(
      io.vertx.core.Vertx vertx,
      EtcdRuntime etcd,
      io.uptimemesh.web.identity.NodeRequestAuth nodeRequests,
      Events events,
      java.time.Duration keepAlive) {
    WorkloadsViewBuilder builder = new WorkloadsViewBuilder(etcd.store());
    io.uptimemesh.web.NodeDocumentHub<WorkloadsView> hub =
        new io.uptimemesh.web.NodeDocumentHub<>(
            etcd.cache(), WorkloadsView.empty(), builder::build);
    return new NodeWorkloads(
        hub,
        new NodeWorkloadRoutes(
            vertx,
            nodeRequests,
            hub,
            new ReplicaStatusWriter(etcd.store(), etcd.cache(), events),
            keepAlive));
  }
}
