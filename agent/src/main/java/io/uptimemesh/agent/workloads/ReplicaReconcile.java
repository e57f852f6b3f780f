package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.lxd.InstanceDetails;
import io.uptimemesh.lxd.InstanceSpec;
import io.uptimemesh.lxd.LxdClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One reconcile of one replica against the local LXD: observe its container (and its fallback),
 * act, and re-read. Every step is an asynchronous LXD call; nothing blocks. Used once: it collects
 * the actions it took, with their durations.
 *
 * <p>Moving to another generation, in this order of preference: a snapshot {@code gen-<N>} of the
 * wanted generation is restored (a failed rollout going back); the stopped fallback container
 * {@code <id>-prev} is put back when it holds that generation (going back across an image change);
 * an image change renames the stopped container to {@code <id>-prev} (kept as the fallback, with
 * its snapshot of the old generation) and creates the replica anew from the new image; anything
 * else (config, profiles, limits, ports) is applied in place to the stopped container. The running
 * generation is snapshotted as {@code gen-<old>} before each of these.
 */
final class ReplicaReconcile {
  /** How long a clean stop may take before the container is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /** Snapshots of this many generations are kept (the control plane keeps as many specs). */
  static final int KEPT_SNAPSHOTS = 10;

  /** What a replica's container is after a reconcile. */
  record Observed(Optional<InstanceDetails> container, List<String> snapshots) {}

  private final LxdClient lxd;
  private final AgentLxdSettings settings;
  private final Vertx vertx;
  private final List<ReplicaAction> actions = new ArrayList<>();

  ReplicaReconcile(LxdClient lxd, AgentLxdSettings settings, Vertx vertx) {
    this.lxd = lxd;
    this.settings = settings;
    this.vertx = vertx;
  }

  /** The actions taken so far, in order. */
  List<ReplicaAction> actions() {
    return List.copyOf(actions);
  }

  /**
   * Brings the replica's container to its assignment and returns what it observed afterwards.
   *
   * @param creating called before a container is created, so the caller can report it
   */
  Future<Observed> apply(ReplicaAssignment a, Runnable creating) {
    InstanceSpec plan;
    try {
      plan = ContainerPlan.of(a, settings);
    } catch (UptimeMeshException e) {
      return Future.failedFuture(e);
    }
    String id = a.replicaId();
    String fb = ContainerPlan.fallbackName(id);
    Future<Optional<InstanceDetails>> current = observe(id);
    Future<Optional<InstanceDetails>> fallback = observe(fb);
    return Future.all(current, fallback)
        .compose(
            all -> {
              Optional<InstanceDetails> c = current.result();
              Optional<InstanceDetails> f = fallback.result();
              if (c.isEmpty()) {
                if (f.isPresent() && holds(f.get(), a.generation())) {
                  return act("fallback " + fb + " put back", () -> putBack(fb, id));
                }
                creating.run();
                return create(plan);
              }
              long running = ContainerPlan.generationOf(c.get()).orElse(0);
              if (running == a.generation()) {
                return Future.succeededFuture();
              }
              return lxd.snapshots(id)
                  .compose(snaps -> change(a, plan, c.get(), running, snaps, f, creating));
            })
        .compose(v -> converge(plan))
        .compose(v -> dropStaleFallback(a, fb))
        .compose(v -> pruneSnapshots(id))
        .compose(v -> read(id));
  }

  /** Deletes a replica that is no longer desired: its container and its fallback. */
  Future<Void> remove(String replicaId) {
    return deleteIfPresent(replicaId)
        .compose(v -> deleteIfPresent(ContainerPlan.fallbackName(replicaId)));
  }

  /** The container and its snapshots as they are now. */
  Future<Observed> read(String id) {
    return observe(id)
        .compose(
            c ->
                c.isEmpty()
                    ? Future.succeededFuture(new Observed(c, List.of()))
                    : lxd.snapshots(id).map(s -> new Observed(c, s)));
  }

  private Future<Void> change(
      ReplicaAssignment a,
      InstanceSpec plan,
      InstanceDetails c,
      long running,
      List<String> snapshots,
      Optional<InstanceDetails> f,
      Runnable creating) {
    String id = a.replicaId();
    String wanted = ContainerPlan.snapshotName(a.generation());
    if (snapshots.contains(wanted)) {
      return keepSnapshot(id, running, snapshots)
          .compose(v -> act("restored " + wanted, () -> lxd.restore(id, wanted)));
    }
    String fb = ContainerPlan.fallbackName(id);
    if (f.isPresent() && holds(f.get(), a.generation())) {
      return stop(id)
          .compose(v -> act("deleted generation " + running, () -> lxd.delete(id)))
          .compose(v -> act("fallback " + fb + " put back", () -> putBack(fb, id)));
    }
    if (!ContainerPlan.imageOf(c).equals(plan.imageAlias())) {
      // A missing image fails here, while the old generation still runs.
      return lxd.requireImageAlias(plan.imageAlias())
          .compose(
              v -> {
                creating.run();
                return stop(id);
              })
          .compose(v -> keepSnapshot(id, running, snapshots))
          .compose(v -> f.isPresent() ? deleteIfPresent(fb) : Future.succeededFuture())
          .compose(v -> act("kept as fallback " + fb, () -> lxd.rename(id, fb)))
          .compose(v -> create(plan));
    }
    return stop(id)
        .compose(v -> keepSnapshot(id, running, snapshots))
        .compose(
            v ->
                act(
                    "generation " + running + " -> " + a.generation() + " in place",
                    () ->
                        lxd.reconfigure(
                            id,
                            plan.profiles(),
                            ContainerPlan.keepingCommandSeq(plan.config(), c),
                            plan.devices())));
  }

  /** Profiles, config and devices as planned (repairs drift), then running. */
  private Future<Void> converge(InstanceSpec plan) {
    String id = plan.name();
    return lxd.instance(id)
        .compose(
            c ->
                (ContainerPlan.matches(plan, c)
                        ? Future.<Void>succeededFuture()
                        : act(
                            "reconfigured",
                            () ->
                                lxd.reconfigure(
                                    id,
                                    plan.profiles(),
                                    ContainerPlan.keepingCommandSeq(plan.config(), c),
                                    plan.devices())))
                    .compose(
                        v ->
                            c.isRunning()
                                ? Future.<Void>succeededFuture()
                                : act(
                                    "started",
                                    () -> lxd.start(id).compose(x -> awaitRunning(id)))));
  }

  private Future<Void> create(InstanceSpec plan) {
    return act("created from " + plan.imageAlias(), () -> lxd.create(plan));
  }

  /** Renames the fallback back; it is stopped already (a fallback never runs). */
  private Future<Void> putBack(String fallback, String id) {
    return stop(fallback).compose(v -> lxd.rename(fallback, id));
  }

  /**
   * Snapshots the generation that ran as {@code gen-<N>}. An older snapshot of that generation is
   * replaced: the newest state of a generation is the one worth going back to.
   */
  private Future<Void> keepSnapshot(String id, long generation, List<String> snapshots) {
    String name = ContainerPlan.snapshotName(generation);
    Future<Void> clear =
        snapshots.contains(name)
            ? act("deleted old snapshot " + name, () -> lxd.deleteSnapshot(id, name))
            : Future.succeededFuture();
    return clear.compose(v -> act("snapshot " + name, () -> lxd.snapshot(id, name)));
  }

  /** The fallback is kept only while it holds the generation the replica may go back to. */
  private Future<Void> dropStaleFallback(ReplicaAssignment a, String fb) {
    return observe(fb)
        .compose(
            f -> {
              if (f.isEmpty()) {
                return Future.succeededFuture();
              }
              boolean needed =
                  a.previous().isPresent() && holds(f.get(), a.previous().get().generation());
              return needed ? Future.succeededFuture() : deleteIfPresent(fb);
            });
  }

  private Future<Void> pruneSnapshots(String id) {
    return lxd.snapshots(id)
        .compose(
            snaps -> {
              Future<Void> f = Future.succeededFuture();
              for (String s : ContainerPlan.snapshotsToPrune(snaps, KEPT_SNAPSHOTS)) {
                f = f.compose(v -> act("pruned snapshot " + s, () -> lxd.deleteSnapshot(id, s)));
              }
              return f;
            });
  }

  private Future<Void> deleteIfPresent(String name) {
    return observe(name)
        .compose(
            c ->
                c.isEmpty()
                    ? Future.succeededFuture()
                    : stop(name).compose(v -> act("deleted " + name, () -> lxd.delete(name))));
  }

  /** A clean stop, then a kill if the container's init ignored it. */
  private Future<Void> stop(String name) {
    return lxd.state(name)
        .compose(
            s ->
                !s.isRunning()
                    ? Future.succeededFuture()
                    : act(
                        "stopped " + name,
                        () ->
                            lxd.stop(name, STOP_TIMEOUT, false)
                                .recover(e -> lxd.stop(name, Duration.ZERO, true))));
  }

  private Future<Void> awaitRunning(String id) {
    long deadline = System.nanoTime() + settings.healthTimeout().toNanos();
    return pollRunning(id, deadline);
  }

  private Future<Void> pollRunning(String id, long deadline) {
    return lxd.state(id)
        .compose(
            s -> {
              if (s.isRunning()) {
                return Future.succeededFuture();
              }
              if (System.nanoTime() >= deadline) {
                return Future.failedFuture(
                    new UptimeMeshException(
                        ErrorCode.UNAVAILABLE,
                        "container '"
                            + id
                            + "' was not running "
                            + settings.healthTimeout().toSeconds()
                            + " s after its start (LXD status "
                            + s.status()
                            + ")"));
              }
              Promise<Void> later = Promise.promise();
              vertx.setTimer(
                  settings.healthPoll().toMillis(),
                  t -> pollRunning(id, deadline).onComplete(later));
              return later.future();
            });
  }

  private Future<Optional<InstanceDetails>> observe(String name) {
    return lxd.instance(name)
        .map(Optional::of)
        .recover(
            e ->
                e instanceof UptimeMeshException u && u.errorCode() == ErrorCode.NOT_FOUND
                    ? Future.succeededFuture(Optional.empty())
                    : Future.failedFuture(e));
  }

  private Future<Void> act(String what, Supplier<Future<Void>> step) {
    long start = System.nanoTime();
    return step.get()
        .onSuccess(
            v -> actions.add(new ReplicaAction(what, (System.nanoTime() - start) / 1_000_000)));
  }

  private static boolean holds(InstanceDetails c, long generation) {
    OptionalLong g = ContainerPlan.generationOf(c);
    return g.isPresent() && g.getAsLong() == generation;
  }
}
