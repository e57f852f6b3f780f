package io.uptimemesh.web.discovery;

import io.uptimemesh.core.config.DiscoverySettings;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.IdentityConfig;
import io.uptimemesh.web.identity.IdentityRoutes;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Assembles the discovery routes over one etcd runtime; the server and the tests use it. */
public final class DiscoveryModule {
  private DiscoveryModule() {}

  /**
   * As below, keeping the default number of generations of workload specs.
   *
   * @param keepAlive the keep-alive comment interval of discovery streams ({@code
   *     MeshModule.KEEP_ALIVE} in production)
   */
  public static DiscoveryRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      IdentityRoutes identityRoutes,
      Events events,
      DiscoverySettings settings,
      Duration keepAlive) {
    return routes(
        vertx,
        etcd,
        identity,
        identityRoutes,
        events,
        settings,
        keepAlive,
        io.uptimemesh.web.workload.ServiceGenerations.DEFAULT_KEPT);
  }

  /**
   * @param keepAlive the keep-alive comment interval of discovery streams ({@code
   *     MeshModule.KEEP_ALIVE} in production)
   * @param generationsKept {@code WORKLOAD_GENERATIONS_KEPT}: how many generations of a service's
   *     workload spec are kept
   */
  public static DiscoveryRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      IdentityRoutes identityRoutes,
      Events events,
      DiscoverySettings settings,
      Duration keepAlive,
      int generationsKept) {
    return routes(
        vertx,
        etcd,
        identity,
        identityRoutes,
        events,
        settings,
        keepAlive,
        generationsKept,
        io.uptimemesh.core.config.SchedulerSettings.defaults());
  }

  /**
   * @param scheduler the scheduler's settings ({@code SCHEDULER_*}), for its plan preview
   */
  public static DiscoveryRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      IdentityRoutes identityRoutes,
      Events events,
      DiscoverySettings settings,
      Duration keepAlive,
      int generationsKept,
      io.uptimemesh.core.config.SchedulerSettings scheduler) {
    var clock = identity.clock();
    DiscoveryHub hub = new DiscoveryHub(etcd.store(), etcd.cache(), clock);
    return new DiscoveryRoutes(
        hub,
        new CatalogRoutes(
            identityRoutes.authHandler(),
            hub,
            new ServiceCatalog(etcd.store(), etcd.cache(), events, clock),
            new EndpointCatalog(etcd.store(), etcd.cache(), events, clock)),
        new NodeDiscoveryRoutes(
            vertx,
            identityRoutes.nodeRequests(),
            hub,
            new EndpointHealthWriter(etcd.store(), etcd.cache(), hub, events, clock),
            keepAlive),
        new PreviewRoutes(
            vertx, identityRoutes.authHandler(), hub, etcd.store(), etcd.cache(), settings),
        io.uptimemesh.web.workload.WorkloadModule.routes(
            etcd, identityRoutes.authHandler(), events, clock, generationsKept, scheduler),
        io.uptimemesh.web.workload.WorkloadModule.nodeRoutes(
            vertx, etcd, identityRoutes.nodeRequests(), events, keepAlive));
  }
}
