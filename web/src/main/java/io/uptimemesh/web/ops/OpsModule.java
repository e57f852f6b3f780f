package io.uptimemesh.web.ops;

import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.leader.LeaderJob;
import io.uptimemesh.etcd.ops.EtcdOperations;
import io.uptimemesh.etcd.ops.Etcdctl;
import io.uptimemesh.etcd.ops.SnapshotJobs;
import io.uptimemesh.etcd.ops.SnapshotRestore;
import io.uptimemesh.etcd.ops.SnapshotScheduleJob;
import io.uptimemesh.etcd.ops.SnapshotStore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The etcd operations of one core node, assembled over its etcd runtime: snapshots (jobs, files,
 * restore), cluster status, compaction and checks, their routes, and the snapshot schedule for the
 * leader-job runner. The server and the tests use it.
 */
public final class OpsModule {
  /** A restore or a defragmentation of even a big database ends within minutes. */
  private static final Duration ETCDCTL_TIMEOUT = Duration.ofMinutes(10);

  private final SnapshotJobs jobs;
  private final EtcdOpsRoutes etcdRoutes;
  private final SnapshotRoutes snapshotRoutes;
  private final List<LeaderJob> leaderJobs;

  private OpsModule(
      SnapshotJobs jobs,
      EtcdOpsRoutes etcdRoutes,
      SnapshotRoutes snapshotRoutes,
      List<LeaderJob> leaderJobs) {
    this.jobs = jobs;
    this.etcdRoutes = etcdRoutes;
    this.snapshotRoutes = snapshotRoutes;
    this.leaderJobs = leaderJobs;
  }

  /**
   * @param loggedIn the handler that requires an operator session ({@code IdentityRoutes})
   */
  public static OpsModule create(
      Vertx vertx,
      EtcdRuntime etcd,
      OpsConfig config,
      Handler<RoutingContext> loggedIn,
      io.uptimemesh.core.events.Events events) {
    SnapshotStore files = new SnapshotStore(config.snapshotDir(), config.snapshotRetention());
    Etcdctl etcdctl = Etcdctl.besideEtcd(config.etcdCommand(), ETCDCTL_TIMEOUT);
    String endpoint =
        etcd.managed()
            .map(m -> m.clientUrl().toString())
            .orElseGet(() -> etcd.status().endpoints().get(0));
    SnapshotJobs jobs =
        new SnapshotJobs(
            vertx,
            etcd.client().getMaintenanceClient(),
            etcd.store(),
            files,
            etcdctl,
            endpoint,
            config.nodeName(),
            config.snapshotTimeout(),
            config.clock());
    jobs.onFinished(
        job ->
            events.record(
                io.uptimemesh.core.events.EventCategory.SNAPSHOT,
                job.snapshot() != null ? "snapshot_taken" : "snapshot_failed",
                job.snapshot() != null
                    ? io.uptimemesh.core.events.EventLevel.INFO
                    : io.uptimemesh.core.events.EventLevel.ERROR,
                config.nodeName(),
                job.snapshot() != null
                    ? Map.of(
                        "snapshot_id", job.id(),
                        "trigger", job.trigger(),
                        "revision", Long.toString(job.snapshot().revision()),
                        "size_bytes", Long.toString(job.snapshot().size()))
                    : Map.of(
                        "snapshot_id", job.id(),
                        "trigger", job.trigger(),
                        "error", String.valueOf(job.error()))));
    SnapshotRestore restore =
        new SnapshotRestore(
            vertx,
            etcd.client(),
            etcd.store(),
            etcd.cache(),
            etcd.managed(),
            files,
            etcdctl,
            config.clock());
    List<LeaderJob> leaderJobs =
        config.scheduleInterval().isZero()
            ? List.of()
            : List.of(new SnapshotScheduleJob(jobs, config.scheduleInterval()));
    return new OpsModule(
        jobs,
        new EtcdOpsRoutes(
            new EtcdOperations(vertx, etcd.client(), etcd.store(), etcdctl),
            new CoreNodeProbe(vertx, etcd.store(), etcd.cache()),
            loggedIn),
        new SnapshotRoutes(vertx, jobs, restore, loggedIn, events),
        leaderJobs);
  }

  public void addRoutes(Router router) {
    etcdRoutes.addRoutes(router);
    snapshotRoutes.addRoutes(router);
  }

  /**
   * The leader-only jobs of this module for the election runner: the snapshot schedule, or nothing
   * when {@code snapshots.schedule_interval_minutes} is 0.
   */
  public List<LeaderJob> leaderJobs() {
    return leaderJobs;
  }

  public SnapshotJobs snapshotJobs() {
    return jobs;
  }
}
