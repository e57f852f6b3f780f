package io.uptimemesh.etcd.managed;

import io.uptimemesh.core.config.ManagedEtcdConfig;
import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.core.process.ChildProcesses;
import io.uptimemesh.core.process.RestartPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one etcd member as a child process and keeps it running.
 *
 * <p>After an unexpected exit it restarts etcd with exponential backoff; once more crashes than the
 * budget allows fall within the window ({@link RestartPolicy}), it gives up and completes {@link
 * #gaveUp()}, and the server decides to exit. A restart counts as good only when etcd answers
 * {@code /health} within the startup timeout; one that does not is killed and counts as a crash.
 *
 * <p>All supervision state lives on one Vert.x context. Launching and killing processes run on
 * worker threads; the process's output is copied to our log by {@link EtcdLogPump}.
 */
public final class ManagedEtcd {
  /** Where the supervisor stands. */
  public enum State {
    NEW,
    STARTING,
    RUNNING,
    BACKOFF,
    FAILED,
    STOPPED,
    /** Stopped on purpose for offline work ({@link #runStopped}); not a crash, not restarted. */
    PAUSED
  }

  private static final Logger log = LoggerFactory.getLogger(ManagedEtcd.class);

  private final Vertx vertx;
  private final EtcdProcessLauncher launcher;
  private final EtcdMemberSpec spec;
  private final ManagedEtcdConfig config;
  private final RestartPolicy policy;
  private final PidFile pidFile;
  private final HealthWaiter health;
  private final Clock clock;
  private final Promise<String> gaveUp = Promise.promise();

  private Context context;
  private volatile State state = State.NEW;
  private volatile Process process;

  /** The process {@link #runStopped} is stopping; {@link #stop()} must still see it. */
  private volatile Process pausing;

  private volatile int restarts;
  private EtcdLogPump pump;
  private EtcdProcessLauncher.Launched adopted;
  private long backoffTimer = -1;

  /**
   * True from a resume after {@link #runStopped} until a start succeeds: its failure is a crash.
   */
  private boolean resuming;

  public ManagedEtcd(
      Vertx vertx,
      String binary,
      EtcdMemberSpec spec,
      ManagedEtcdConfig config,
      Path pidFile,
      Clock clock) {
    this(vertx, new EtcdProcessLauncher(binary, spec, pidFile, config.stopGrace()), config, clock);
  }

  public ManagedEtcd(
      Vertx vertx, EtcdProcessLauncher launcher, ManagedEtcdConfig config, Clock clock) {
    this.vertx = vertx;
    this.launcher = launcher;
    this.spec = launcher.spec();
    this.config = config;
    this.policy =
        new RestartPolicy(
            config.restartBackoffInitial(),
            config.restartBackoffMax(),
            config.crashBudget(),
            config.crashWindow());
    this.pidFile = launcher.pidFile();
    this.health = new HealthWaiter(vertx, URI.create(spec.clientUrl()));
    this.clock = clock;
  }

  /**
   * Supervises a process the launcher already started (the server launches etcd before it builds
   * anything else); {@link #start()} then only waits for it to be healthy.
   */
  public ManagedEtcd adopt(EtcdProcessLauncher.Launched launched) {
    this.adopted = launched;
    return this;
  }

  /**
   * Starts etcd and waits until it answers {@code /health}.
   *
   * @return succeeds once etcd is healthy; fails (with etcd's last output in the message) if it
   *     exits or is not healthy within the startup timeout, in which case it has been killed
   */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    state = State.STARTING;
    return launchAndWait()
        .onSuccess(v -> log.info("managed etcd ready at {} (pid {})", spec.clientUrl(), pidText()))
        .onFailure(t -> state = State.FAILED);
  }

  /**
   * Stops supervising, then SIGTERM, and SIGKILL after the grace period.
   *
   * @return completes when the process is gone
   */
  public Future<Void> stop() {
    State before = state;
    state = State.STOPPED;
    if (backoffTimer >= 0) {
      vertx.cancelTimer(backoffTimer);
    }
    Process p = process != null ? process : pausing;
    if (p == null || before == State.NEW) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          boolean graceful = ChildProcesses.terminate(p.toHandle(), config.stopGrace());
          pidFile.delete();
          log.info(
              "managed etcd pid {} stopped{}",
              p.pid(),
              graceful ? "" : " (killed after " + config.stopGrace().toSeconds() + " s)");
          return null;
        });
  }

  /** Completes with a reason when the crash budget is exhausted; never fails. */
  public Future<String> gaveUp() {
    return gaveUp.future();
  }

  public State state() {
    return state;
  }

  /** The running process's id, if any. */
  public OptionalLong pid() {
    Process p = process;
    return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
  }

  /** Restarts after crashes since this supervisor started. */
  public int restarts() {
    return restarts;
  }

  public URI clientUrl() {
    return URI.create(spec.clientUrl());
  }

  /** The member this supervisor runs: name, data directory, ports, initial cluster. */
  public EtcdMemberSpec spec() {
    return spec;
  }

  /**
   * Stops etcd, runs {@code offline} on a worker thread while it is down (a restore into its data
   * directory), then starts etcd again and waits until it is healthy. The stop is not a crash: it
   * does not count against the crash budget and the supervisor does not restart etcd meanwhile.
   * etcd is started again whether {@code offline} succeeded or not; if that start fails, the
   * supervisor takes over as after a crash (backoff, budget).
   *
   * @return {@code offline}'s result once etcd is healthy again; fails with {@code offline}'s
   *     failure (after the restart), or with the restart's failure; 409 unless etcd is running or
   *     waiting to be restarted after a crash (then the pending restart is replaced by this one)
   */
  public <T> Future<T> runStopped(java.util.concurrent.Callable<T> offline) {
    if (context == null) {
      return Future.failedFuture(
          io.uptimemesh.core.error.UptimeMeshException.conflict("managed etcd was never started"));
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> pauseAndRun(offline).onComplete(promise));
    return promise.future();
  }

  private <T> Future<T> pauseAndRun(java.util.concurrent.Callable<T> offline) {
    // BACKOFF too: a member that keeps crashing is exactly one an operator wants to restore.
    if (state != State.RUNNING && state != State.BACKOFF) {
      return Future.failedFuture(
          io.uptimemesh.core.error.UptimeMeshException.conflict(
              "managed etcd is "
                  + state.name().toLowerCase(java.util.Locale.ROOT)
                  + ": offline work needs it running or waiting to restart"));
    }
    if (backoffTimer >= 0) {
      vertx.cancelTimer(backoffTimer);
      backoffTimer = -1;
    }
    state = State.PAUSED;
    Process p = process;
    // Forget the process before stopping it: its exit notification can arrive after the offline
    // work is done and the restart has begun, and must not count as a crash of the new start.
    process = null;
    pausing = p;
    log.info("stopping managed etcd pid {} for offline work", p == null ? "-" : p.pid());
    Future<T> work =
        vertx
            .executeBlocking(
                () -> {
                  if (p != null) {
                    ChildProcesses.terminate(p.toHandle(), config.stopGrace());
                  }
                  pidFile.delete();
                  return null;
                },
                false)
            .compose(v -> vertx.executeBlocking(offline, false));
    return work.transform(
        done -> {
          if (state != State.PAUSED) {
            // stop() ran meanwhile: the server is going down, do not start etcd again.
            return done.succeeded()
                ? Future.succeededFuture(done.result())
                : Future.failedFuture(done.cause());
          }
          pausing = null;
          state = State.STARTING;
          resuming = true;
          log.info("starting managed etcd again after offline work");
          return launchAndWait()
              .transform(
                  started -> {
                    if (started.failed()) {
                      log.error(
                          "managed etcd did not start after offline work: {}",
                          started.cause().getMessage());
                      failedWithoutProcess(null);
                      return Future.failedFuture(started.cause());
                    }
                    return done.succeeded()
                        ? Future.succeededFuture(done.result())
                        : Future.failedFuture(done.cause());
                  });
        });
  }

  private Future<Void> launchAndWait() {
    EtcdProcessLauncher.Launched early = adopted;
    adopted = null;
    Future<EtcdProcessLauncher.Launched> launched =
        early != null ? Future.succeededFuture(early) : vertx.executeBlocking(launcher::launch);
    return launched
        .compose(
            l -> {
              Process p = l.process();
              pump = l.pump();
              process = p;
              if (state == State.STOPPED) {
                // stop() ran while the process was being forked and could not see it.
                return killAfterFailedStart(p, new IllegalStateException("stopped while starting"));
              }
              p.onExit().thenAccept(exited -> context.runOnContext(v -> onExit(exited)));
              return health
                  .await(config.startupTimeout(), () -> !p.isAlive())
                  .recover(t -> killAfterFailedStart(p, t));
            })
        .onSuccess(
            v -> {
              if (state == State.STARTING) {
                state = State.RUNNING;
              }
              resuming = false;
            });
  }

  private Future<Void> killAfterFailedStart(Process p, Throwable why) {
    EtcdLogPump lastPump = pump;
    return vertx
        .executeBlocking(() -> ChildProcesses.terminate(p.toHandle(), config.stopGrace()))
        .transform(
            ignored -> {
              String exit = p.isAlive() ? "still running" : "exit code " + p.exitValue();
              String tail = lastPump == null ? "" : lastPump.tail();
              return Future.failedFuture(
                  new IllegalStateException(
                      "managed etcd did not become healthy at "
                          + spec.clientUrl()
                          + " ("
                          + why.getMessage()
                          + ", "
                          + exit
                          + "); last output: "
                          + (tail.isEmpty() ? "(none)" : tail)));
            });
  }

  /** Runs on the supervisor's context when any process it launched exits. */
  private void onExit(Process exited) {
    if (exited != process
        || state == State.STOPPED
        || state == State.FAILED
        || state == State.PAUSED) {
      return;
    }
    if (state == State.STARTING && restarts == 0 && !resuming) {
      // The first start reports through start()'s future; the server does not come up.
      return;
    }
    log.error(
        "managed etcd pid {} exited unexpectedly with code {}", exited.pid(), exited.exitValue());
    crashed();
  }

  /** A crash, or a start that failed: count it, then restart after the backoff or give up. */
  private void crashed() {
    RestartPolicy.Decision decision = policy.onCrash(clock.instant());
    if (decision instanceof RestartPolicy.GiveUp giveUp) {
      state = State.FAILED;
      String reason = "managed etcd " + giveUp.reason() + "; giving up";
      log.error(reason);
      gaveUp.tryComplete(reason);
      return;
    }
    Duration delay = ((RestartPolicy.Restart) decision).delay();
    state = State.BACKOFF;
    log.warn(
        "restarting managed etcd in {} ms ({} crash(es) within the last {} s, budget {})",
        delay.toMillis(),
        policy.crashesInWindow(),
        config.crashWindow().toSeconds(),
        config.crashBudget());
    backoffTimer =
        vertx.setTimer(
            delay.toMillis(),
            id -> {
              backoffTimer = -1;
              restart();
            });
  }

  /**
   * A start that failed before etcd even ran (the binary or the data directory is unusable) leaves
   * no process whose exit would reach {@link #onExit}: treat it as a crash here. A process that ran
   * and was killed for not becoming healthy reports through {@link #onExit} instead.
   *
   * @param before the process before the failed start
   */
  private void failedWithoutProcess(Process before) {
    if (process == before && state == State.STARTING) {
      crashed();
    }
  }

  private void restart() {
    if (state != State.BACKOFF) {
      return;
    }
    state = State.STARTING;
    restarts++;
    Process before = process;
    launchAndWait()
        .onSuccess(v -> log.info("managed etcd restarted (pid {})", pidText()))
        .onFailure(
            t -> {
              if (state == State.STOPPED) {
                return;
              }
              // A failed start killed the process; its exit is handled by onExit as a crash.
              log.error("managed etcd restart failed: {}", t.getMessage());
              failedWithoutProcess(before);
            });
  }

  private String pidText() {
    OptionalLong pid = pid();
    return pid.isPresent() ? Long.toString(pid.getAsLong()) : "-";
  }
}
