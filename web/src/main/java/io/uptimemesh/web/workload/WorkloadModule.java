package io.uptimemesh.web.workload;

import io.uptimemesh.core.config.RolloutSettings;
import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.ReplicaIdSource;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Assembles the workload routes over one etcd runtime; discovery's module mounts them. */
public final class WorkloadModule {
  private WorkloadModule() {}

  /**
   * @param generationsKept how many generations of a service's spec are kept ({@code
   *     WORKLOAD_GENERATIONS_KEPT})
   * @param scheduler the scheduler's settings, for the plan preview ({@code SCHEDULER_*})
   */
  public static WorkloadRoutes routes(
      EtcdRuntime etcd,
      AuthHandler loggedIn,
      Events events,
      Clock clock,
      int generationsKept,
      SchedulerSettings scheduler) {
    return new WorkloadRoutes(
        loggedIn,
        new WorkloadCatalog(etcd.store(), etcd.cache(), events, clock, generationsKept),
        new NodeSchedulingService(etcd.store(), etcd.cache(), events, clock),
        new ReplicaListing(etcd.store()),
        etcd.cache(),
        new SchedulerRoutes(
            loggedIn,
            etcd.store(),
            etcd.cache(),
            clock,
            scheduler,
            new ReplicaMover(
                etcd.store(), etcd.cache(), events, clock, scheduler, ReplicaIdSource.random())),
        new RolloutRoutes(
            loggedIn,
            new RolloutService(etcd.store(), etcd.cache(), events, clock),
            new ReplicaCommands(etcd.store(), etcd.cache(), events, clock)));
  }

  /** The scheduler leader job over this runtime ({@code LeaderJobs} runs it on the leader). */
  public static SchedulerJob schedulerJob(
      Vertx vertx, EtcdRuntime etcd, Events events, Clock clock, SchedulerSettings settings) {
    return new SchedulerJob(
        vertx, etcd.store(), etcd.cache(), events, clock, settings, ReplicaIdSource.random());
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

  /** The rollout leader job over this runtime ({@code LeaderJobs} runs it on the leader). */
  public static RolloutJob rolloutJob(
      Vertx vertx, EtcdRuntime etcd, Events events, Clock clock, RolloutSettings settings) {
    return new RolloutJob(
        vertx,
        etcd.store(),
        etcd.cache(),
        events,
        clock,
        settings.interval(),
        settings.healthTimeout());
  }
}
