package io.uptimemesh.agent.mesh;

import io.uptimemesh.wireguard.mesh.MeshApplyResult;
import io.uptimemesh.wireguard.mesh.MeshNetwork;
import io.uptimemesh.wireguard.mesh.MeshTarget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the node's mesh side to the current target: one {@link MeshNetwork#apply} at a time on a
 * worker thread (it runs {@code wg} and {@code ip}); requests arriving while one runs coalesce into
 * a single next run, which builds its target fresh, so the last change always wins and none is
 * lost. A failed apply is retried after {@code retryMillis}. A target whose desired state says the
 * node is no longer a member tears both interfaces down instead. Runs on the agent's context.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Vertx vertx;
  private final MeshNetwork mesh;
  private final Supplier<Optional<MeshTarget>> targets;
  private final String primaryIface;
  private final String secondaryIface;
  private final Clock clock;
  private final long retryMillis;

  private boolean running;
  private boolean stopped;
  private List<Promise<Void>> waiting = new ArrayList<>();
  private long retryTimer = -1;
  private long appliedRevision = -1;
  private Optional<Instant> lastApply = Optional.empty();
  private Optional<String> lastError = Optional.empty();
  private List<String> lastChanges = List.of();
  private long applies;

  public Reconciler(
      Vertx vertx,
      MeshNetwork mesh,
      Supplier<Optional<MeshTarget>> targets,
      String primaryIface,
      String secondaryIface,
      Clock clock,
      long retryMillis) {
    this.vertx = vertx;
    this.mesh = mesh;
    this.targets = targets;
    this.primaryIface = primaryIface;
    this.secondaryIface = secondaryIface;
    this.clock = clock;
    this.retryMillis = retryMillis;
  }

  /**
   * Asks for a run. The future completes when a run that started after this call has ended
   * (successfully or not): the time from a path switch to routes changed.
   */
  public Future<Void> request() {
    Promise<Void> done = Promise.promise();
    if (stopped) {
      done.complete();
      return done.future();
    }
    waiting.add(done);
    if (!running) {
      run();
    }
    return done.future();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
  }

  private void run() {
    List<Promise<Void>> served = waiting;
    waiting = new ArrayList<>();
    Optional<MeshTarget> target = targets.get();
    if (target.isEmpty()) {
      served.forEach(Promise::tryComplete);
      return;
    }
    running = true;
    MeshTarget t = target.get();
    vertx
        .executeBlocking(
            () -> {
              if (!t.desired().member()) {
                mesh.tearDown(primaryIface, secondaryIface);
                return new MeshApplyResult(List.of("node no longer a member: mesh torn down"));
              }
              return mesh.apply(t);
            },
            false)
        .onComplete(
            ar -> {
              running = false;
              if (ar.succeeded()) {
                applies++;
                appliedRevision = t.desired().revision();
                lastApply = Optional.of(clock.instant());
                lastError = Optional.empty();
                lastChanges = ar.result().changes();
                if (ar.result().changed()) {
                  LOG.info(
                      "mesh reconciled to revision {}: {}",
                      t.desired().revision(),
                      String.join("; ", ar.result().changes()));
                }
              } else {
                String message =
                    ar.cause().getMessage() == null
                        ? ar.cause().getClass().getSimpleName()
                        : ar.cause().getMessage();
                if (!lastError.equals(Optional.of(message))) {
                  LOG.warn("mesh apply failed (retrying in {} ms): {}", retryMillis, message);
                }
                lastError = Optional.of(message);
                if (!stopped) {
                  vertx.cancelTimer(retryTimer);
                  retryTimer = vertx.setTimer(retryMillis, id -> request());
                }
              }
              served.forEach(Promise::tryComplete);
              if (!waiting.isEmpty() && !stopped) {
                run();
              }
            });
  }

  /** The revision of the desired state last applied, -1 before the first. */
  public long appliedRevision() {
    return appliedRevision;
  }

  public Optional<Instant> lastApply() {
    return lastApply;
  }

  public Optional<String> lastError() {
    return lastError;
  }

  public List<String> lastChanges() {
    return lastChanges;
  }

  public long applies() {
    return applies;
  }
}
