package io.uptimemesh.etcd.leader;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the registered {@link LeaderJob}s only while this node leads: on election each job runs at
 * once, then again {@link LeaderJob#interval()} after each run ends; on loss of leadership no new
 * run starts. A run in flight is not interrupted, but its writes are fenced with the old term and
 * fail. One job never runs twice at once: the next run is only scheduled when the last one ended.
 */
public final class LeaderJobs {
  private static final Logger log = LoggerFactory.getLogger(LeaderJobs.class);

  private final Vertx vertx;
  private final Context context;
  private final List<LeaderJob> jobs = new CopyOnWriteArrayList<>();
  private final List<Runner> runners = new CopyOnWriteArrayList<>();

  /** The last run of each job, across terms: a new term waits for the old term's run to end. */
  private final Map<LeaderJob, Future<Void>> lastRun = new IdentityHashMap<>();

  private boolean stopped;

  public LeaderJobs(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
  }

  /** Registers a job; it starts with the next term this node leads. */
  public LeaderJobs register(LeaderJob job) {
    jobs.add(job);
    return this;
  }

  /** Starts and stops the jobs with {@code election}'s leadership. */
  public void follow(LeaderElection election) {
    election.onLeadership(this::leadershipChanged);
    election.fence().ifPresent(f -> leadershipChanged(Optional.of(f)));
  }

  /**
   * Leadership began (a fence) or ended (empty). Public so that tests and other election sources
   * can drive it.
   */
  public void leadershipChanged(Optional<Fence> fence) {
    // At once, from whatever thread tells us: no run may start after leadership was lost.
    runners.forEach(r -> r.cancelled = true);
    context.runOnContext(
        v -> {
          runners.forEach(Runner::cancel);
          runners.clear();
          if (stopped || fence.isEmpty()) {
            return;
          }
          for (LeaderJob job : jobs) {
            Runner r = new Runner(job, fence.get());
            runners.add(r);
            r.runNow();
          }
        });
  }

  /** How long a stop waits for runs in flight (a snapshot) before the etcd layer goes away. */
  private static final long STOP_WAIT_MS = 5000;

  /**
   * Stops every job: no run starts from now on; completes when the runs in flight ended, or after
   * {@value #STOP_WAIT_MS} ms. Never fails.
   */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          stopped = true;
          runners.forEach(Runner::cancel);
          runners.clear();
          List<Future<Void>> inFlight = List.copyOf(lastRun.values());
          Future.join(inFlight)
              .timeout(STOP_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
              .onComplete(ar -> done.complete());
        });
    return done.future();
  }

  /** The names of the jobs currently scheduled (leader only); for tests and status. */
  public List<String> running() {
    return runners.stream().filter(r -> !r.cancelled).map(r -> r.job.name()).toList();
  }

  /** One job during one term. */
  private final class Runner {
    private final LeaderJob job;
    private final Fence fence;
    private volatile boolean cancelled;
    private long timer = -1;

    Runner(LeaderJob job, Fence fence) {
      this.job = job;
      this.fence = fence;
    }

    void runNow() {
      if (cancelled) {
        return;
      }
      timer = -1;
      Future<Void> previous = lastRun.get(job);
      if (previous != null && !previous.isComplete()) {
        previous.onComplete(x -> context.runOnContext(v -> runNow()));
        return;
      }
      Future<Void> run;
      try {
        run = job.run(fence);
      } catch (RuntimeException e) {
        run = Future.failedFuture(e);
      }
      lastRun.put(job, run);
      run.onComplete(
          ar -> {
            if (ar.failed()) {
              log.warn("leader job {} failed: {}", job.name(), ar.cause().getMessage());
            }
            context.runOnContext(v -> scheduleNext());
          });
    }

    private void scheduleNext() {
      if (!cancelled) {
        timer = vertx.setTimer(Math.max(1, job.interval().toMillis()), id -> runNow());
      }
    }

    void cancel() {
      cancelled = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
