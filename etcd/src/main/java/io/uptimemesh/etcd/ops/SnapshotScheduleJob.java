package io.uptimemesh.etcd.ops;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.etcd.leader.LeaderJob;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot schedule: the leader takes a snapshot every {@code
 * snapshots.schedule_interval_minutes} (config.yaml). Leader-only so a cluster of core nodes takes
 * one scheduled snapshot per interval, not one per node. It writes nothing to etcd (the snapshot is
 * a file on the leader), so the fence is not needed for a write; a leader deposed mid-snapshot
 * finishes a harmless extra file.
 */
public final class SnapshotScheduleJob implements LeaderJob {
  private static final Logger log = LoggerFactory.getLogger(SnapshotScheduleJob.class);

  private final SnapshotJobs jobs;
  private final Duration interval;
  private final java.time.Instant createdAt;

  /**
   * @param interval time between snapshots; positive (a 0 in config.yaml means the job is not
   *     registered at all)
   */
  public SnapshotScheduleJob(SnapshotJobs jobs, Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.jobs = jobs;
    this.interval = interval;
    this.createdAt = jobs.now();
  }

  @Override
  public String name() {
    return "etcd-snapshot";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  /**
   * Takes one snapshot and waits for it.
   *
   * @return succeeds when the snapshot was published, or when an operator's snapshot was already
   *     running (that one counts); fails when the snapshot failed
   */
  @Override
  public Future<Void> run(Fence fence) {
    // Leader jobs run at once when a node wins: after a restart or a leader change, a snapshot
    // younger than the interval is enough; a node without any waits one interval from its start.
    return jobs.newestSnapshotTime()
        .compose(
            newest ->
                newest.orElse(createdAt).isAfter(jobs.now().minus(interval))
                    ? Future.<Void>succeededFuture()
                    : takeOne());
  }

  private Future<Void> takeOne() {
    SnapshotJobs.Job job;
    try {
      job = jobs.start("schedule");
    } catch (UptimeMeshException e) {
      if (e.errorCode() == ErrorCode.CONFLICT) {
        log.info("scheduled snapshot skipped: {}", e.getMessage());
        return Future.succeededFuture();
      }
      return Future.failedFuture(e);
    }
    return jobs.completion(job.id())
        .compose(
            j ->
                j.state() == SnapshotJobs.State.SUCCEEDED
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new IllegalStateException("scheduled snapshot failed: " + j.error())));
  }
}
