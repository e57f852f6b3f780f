package io.uptimemesh.web.discovery;

import io.uptimemesh.core.config.DiscoverySettings;
import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.IdentityConfig;
import io.uptimemesh.web.identity.IdentityRoutes;
import io.uptimemesh.web.workload.ServiceGenerations;
import io.uptimemesh.web.workload.WorkloadModule;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Assembles the discovery routes over one etcd runtime; the server and the tests use it. */
public final class DiscoveryModule {
  private DiscoveryModule() {}

  /**
   * What the discovery and workload routes are configured with, beyond the runtime.
   *
   * @param discovery the {@code RUNTIME_DISCOVERY_*} settings, for the zone preview
   * @param keepAlive the keep-alive comment interval of the node streams ({@code
   *     MeshModule.KEEP_ALIVE} in production)
   * @param generationsKept {@code WORKLOAD_GENERATIONS_KEPT}: how many generations of a service's
   *     workload spec are kept
   * @param scheduler the scheduler's settings ({@code SCHEDULER_*}), for its plan preview
   */
  public record Settings(
      DiscoverySettings discovery,
      Duration keepAlive,
      int generationsKept,
      SchedulerSettings scheduler) {
    /** The defaults of everything but the stream keep-alive (tests). */
    public static Settings defaults(Duration keepAlive) {
      return new Settings(
          DiscoverySettings.defaults(),
          keepAlive,
          ServiceGenerations.DEFAULT_KEPT,
          SchedulerSettings.defaults());
    }
  }

  public static DiscoveryRoutes routes(
      Vertx vertx,
      EtcdRuntime etcd,
      IdentityConfig identity,
      IdentityRoutes identityRoutes,
      Events events,
      Settings settings) {
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
            settings.keepAlive()),
        new PreviewRoutes(
            vertx,
            identityRoutes.authHandler(),
            hub,
            etcd.store(),
            etcd.cache(),
            settings.discovery()),
        WorkloadModule.routes(
            etcd,
            identityRoutes.authHandler(),
            events,
            clock,
            settings.generationsKept(),
            settings.scheduler()),
        WorkloadModule.nodeRoutes(
            vertx, etcd, identityRoutes.nodeRequests(), events, settings.keepAlive()));
  }
}
