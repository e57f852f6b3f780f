package io.uptimemesh.etcd.leader;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * A singleton background job that runs only on the elected leader (snapshot schedule, stale-node
 * sweep, event pruning, member promotion…). It starts when this node wins an election and stops
 * when it loses leadership.
 */
public interface LeaderJob {
  /** A short name for logs and metrics, e.g. {@code stale-sweep}. */
  String name();

  /** Time between the end of one run and the start of the next. */
  Duration interval();

  /**
   * Runs once. Every etcd write it makes must be a transaction fenced with {@code fence}; a failed
   * fence means leadership was lost and the job must stop writing.
   *
   * @return completes when this run is over; a failure is logged and the job runs again after
   *     {@link #interval()}
   */
  Future<Void> run(Fence fence);
}
