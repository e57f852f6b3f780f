package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.ReplicaStatusReport;
import io.uptimemesh.lxd.InstanceSummary;
import io.uptimemesh.lxd.LxdClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's replicas on the local LXD (ADR 0014): given the node's desired assignments, it
 * makes the containers of its project ({@code LXD_PROJECT}) match them. Container name = replica
 * id; containers of the project that are not desired replicas (or their fallbacks) are stopped and
 * deleted, so the project belongs to the agent alone.
 *
 * <p>One reconcile per replica at a time ({@link KeyedRuns}): a replica whose reconcile is under
 * way is marked dirty and runs again afterwards with the desired state of that moment. Each
 * reconcile compares the desired with the observed container and acts only on a difference, so a
 * pass with nothing changed makes no change. A failed replica is retried after {@code retryDelay}
 * and whenever the desired state is given again; the others go on.
 *
 * <p>It produces a {@link ReplicaStatus} per replica (state, generation running, snapshots, last
 * error); {@code onChange} hears each status that differs from the one before (time aside), for the
 * caller to report. Everything is asynchronous (the LXD client never blocks); the callbacks run on
 * Vert.x threads and must not block either.
 */
public final class LxdReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(LxdReconciler.class);

  private final Vertx vertx;
  private final LxdClient lxd;
  private final AgentLxdSettings settings;
  private final String nodeId;
  private final Clock clock;
  private final Duration retryDelay;
  private final Consumer<ReplicaStatus> onChange;
  private final KeyedRuns runs;
  private final Map<String, ReplicaStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, List<ReplicaAction>> lastActions = new ConcurrentHashMap<>();
  private final Map<String, Long> retryTimers = new ConcurrentHashMap<>();
  private final Map<String, CommandState> commands = new ConcurrentHashMap<>();
  private volatile Map<String, ReplicaAssignment> desired = Map.of();

  /** Replicas assigned but not runnable (their spec is unknown): left as they are, failed. */
  private volatile Map<String, String> held = Map.of();

  /** The last operator command carried out on a replica, and its error (empty if none). */
  private record CommandState(long seq, String error) {}

  private volatile boolean stopped;

  /**
   * @param lxd a client in the project the replicas run in ({@code LXD_PROJECT})
   * @param onChange hears each changed status, on a Vert.x thread
   */
  public LxdReconciler(
      Vertx vertx,
      LxdClient lxd,
      AgentLxdSettings settings,
      String nodeId,
      Clock clock,
      Duration retryDelay,
      Consumer<ReplicaStatus> onChange) {
    this.vertx = vertx;
    this.lxd = lxd;
    this.settings = settings;
    this.nodeId = nodeId;
    this.clock = clock;
    this.retryDelay = retryDelay;
    this.onChange = onChange;
    this.runs = new KeyedRuns(this::reconcileOne);
  }

  /** Creates the project when it is missing (sharing the default project's images, profiles). */
  public Future<Void> start() {
    return lxd.ensureProject();
  }

  /**
   * Sets the node's desired replicas and reconciles every replica that is desired or has a
   * container in the project. The future completes (never fails) when a reconcile of each of them
   * that started after this call has ended, with the statuses then.
   *
   * @throws UptimeMeshException INVALID_REQUEST when two assignments name the same replica
   */
  public Future<Map<String, ReplicaStatus>> reconcile(Collection<ReplicaAssignment> assignments) {
    return reconcile(assignments, Map.of());
  }

  /**
   * As {@link #reconcile(Collection)}, with replicas that are assigned but cannot be run as
   * assigned (the control plane no longer keeps the spec of their generation): their containers are
   * left as they are and their status is {@code failed} with the given error.
   *
   * @param heldReplicas replica id → why it cannot be run
   */
  public Future<Map<String, ReplicaStatus>> reconcile(
      Collection<ReplicaAssignment> assignments, Map<String, String> heldReplicas) {
    Map<String, ReplicaAssignment> byId = new LinkedHashMap<>();
    for (ReplicaAssignment a : assignments) {
      if (byId.put(a.replicaId(), a) != null) {
        throw UptimeMeshException.invalid("replica '" + a.replicaId() + "' is assigned twice");
      }
    }
    Map<String, String> keep = new LinkedHashMap<>(heldReplicas);
    keep.keySet().removeAll(byId.keySet());
    held = Map.copyOf(keep);
    desired = Map.copyOf(byId);
    if (stopped) {
      return Future.succeededFuture(statuses());
    }
    return lxd.list()
        .map(this::keysOf)
        .otherwise(
            e -> {
              LOG.warn("LXD: cannot list the project's containers: {}", e.getMessage());
              Set<String> known = new LinkedHashSet<>(byId.keySet());
              known.addAll(keep.keySet());
              return known;
            })
        .compose(
            keys -> {
              // Actions of replicas gone before this pass are forgotten now, not at their removal,
              // so that the pass that removed one still shows what it did.
              lastActions.keySet().retainAll(keys);
              List<Future<Void>> done = new ArrayList<>();
              keys.forEach(k -> done.add(runs.request(k)));
              return Future.join(done);
            })
        .map(v -> statuses());
  }

  /** The latest status of every desired replica, by id. */
  public Map<String, ReplicaStatus> statuses() {
    return new TreeMap<>(statuses);
  }

  /**
   * The actions of each replica's last reconcile (empty: it changed nothing), for logs and tests.
   */
  public Map<String, List<ReplicaAction>> lastActions() {
    return new TreeMap<>(lastActions);
  }

  /** No further reconciles or retries start; ones under way finish. */
  public void stop() {
    stopped = true;
    runs.close();
    retryTimers.values().forEach(vertx::cancelTimer);
    retryTimers.clear();
  }

  private Set<String> keysOf(List<InstanceSummary> containers) {
    Set<String> keys = new LinkedHashSet<>(desired.keySet());
    keys.addAll(held.keySet());
    for (InstanceSummary c : containers) {
      String name = c.name();
      String base =
          name.endsWith(ContainerPlan.FALLBACK_SUFFIX)
              ? name.substring(0, name.length() - ContainerPlan.FALLBACK_SUFFIX.length())
              : name;
      // A fallback belongs to its replica; anything else not desired is removed under its name.
      keys.add(desired.containsKey(base) || held.containsKey(base) ? base : name);
    }
    return keys;
  }

  private Future<?> reconcileOne(String id) {
    ReplicaAssignment a = desired.get(id);
    ReplicaReconcile r = new ReplicaReconcile(lxd, settings, vertx);
    long start = System.nanoTime();
    String heldBecause = held.get(id);
    if (a == null && heldBecause != null) {
      lastActions.put(id, List.of());
      return r.read(id)
          .transform(
              seen -> {
                publish(
                    seen.succeeded()
                        ? failed(id, seen.result(), heldBecause)
                        : status(id, "failed", generation(id), snapshots(id), heldBecause));
                return Future.<Void>succeededFuture();
              });
    }
    if (a == null) {
      return r.remove(id)
          .onComplete(
              ar -> {
                lastActions.put(id, r.actions());
                if (ar.succeeded()) {
                  statuses.remove(id);
                  commands.remove(id);
                  if (!r.actions().isEmpty()) {
                    LOG.info("LXD: removed '{}': {} ({} ms)", id, r.actions(), millis(start));
                  }
                } else {
                  LOG.warn("LXD: removing '{}' failed: {}", id, ar.cause().getMessage());
                  retryLater(id);
                }
              });
    }
    // First sight of a replica (an agent restart, a new assignment): report what its container is
    // now, not "pending" for a container that runs (the rollout and scheduler read the status).
    Future<Void> firstSight =
        statuses.containsKey(id)
            ? Future.succeededFuture()
            : r.read(id)
                .transform(
                    seen -> {
                      if (seen.succeeded() && seen.result().container().isPresent()) {
                        seedCommand(id, seen.result().container().get());
                        publish(observed(id, seen.result(), ""));
                      } else {
                        publish(status(id, "pending", 0, List.of(), ""));
                      }
                      return Future.<Void>succeededFuture();
                    });
    return firstSight
        .compose(
            v ->
                r.apply(
                    a,
                    () ->
                        publish(
                            status(id, "creating", generation(id), snapshots(id), lastError(id)))))
        .compose(o -> command(a, o))
        .compose(
            o -> {
              lastActions.put(id, r.actions());
              publish(observed(id, o, ""));
              if (!r.actions().isEmpty()) {
                LOG.info(
                    "LXD: replica '{}' at generation {}: {} ({} ms)",
                    id,
                    a.generation(),
                    r.actions(),
                    millis(start));
              }
              return Future.<Void>succeededFuture();
            },
            err -> {
              lastActions.put(id, r.actions());
              String error = message(err);
              LOG.warn("LXD: replica '{}' failed: {}", id, error);
              retryLater(id);
              // What the container is now, as far as LXD still answers; the run ends once the
              // status is published, so the caller's future sees it.
              return new ReplicaReconcile(lxd, settings, vertx)
                  .read(id)
                  .transform(
                      seen -> {
                        publish(
                            seen.succeeded()
                                ? failed(id, seen.result(), error)
                                : status(id, "failed", generation(id), snapshots(id), error));
                        return Future.<Void>succeededFuture();
                      });
            });
  }

  /**
   * Carries out the assignment's operator command when it is newer than the last one done (the
   * container's {@link ContainerPlan#COMMAND_SEQ_KEY} or, when a restore brought back an older
   * value, this agent's memory, which then writes the key again). Returns what the container is
   * afterwards.
   */
  private Future<ReplicaReconcile.Observed> command(
      ReplicaAssignment a, ReplicaReconcile.Observed o) {
    if (o.container().isEmpty()) {
      return Future.succeededFuture(o);
    }
    String id = a.replicaId();
    long onContainer = ContainerPlan.commandSeqOf(o.container().get());
    CommandState known = seedCommand(id, o.container().get());
    ReplicaCommands run = new ReplicaCommands(lxd);
    if (ReplicaCommands.due(a.command(), known.seq())) {
      long start = System.nanoTime();
      return run.carryOut(id, a.command())
          .compose(
              done -> {
                commands.put(id, new CommandState(done.seq(), done.error()));
                if (done.error().isEmpty()) {
                  LOG.info(
                      "LXD: replica '{}': command {} {} {} done ({} ms)",
                      id,
                      a.command().seq(),
                      a.command().kind(),
                      a.command().snapshot(),
                      millis(start));
                } else {
                  LOG.warn(
                      "LXD: replica '{}': command {} {} failed: {}",
                      id,
                      a.command().seq(),
                      a.command().kind(),
                      done.error());
                }
                if (done.changedContainer()) {
                  runs.request(id); // a restore may have brought back another generation
                }
                return new ReplicaReconcile(lxd, settings, vertx).read(id);
              });
    }
    if (onContainer < known.seq()) {
      long seq = known.seq();
      return run.record(id, seq)
          .otherwise(
              e -> {
                LOG.warn("LXD: replica '{}': cannot record command {}: {}", id, seq, message(e));
                return null;
              })
          .map(v -> o);
    }
    return Future.succeededFuture(o);
  }

  /**
   * The last command known done on the replica: this agent's memory, or the container's key when it
   * records a newer one (done by an earlier run of the agent: reported as done, without an error we
   * no longer know).
   */
  private CommandState seedCommand(String id, io.uptimemesh.lxd.InstanceDetails container) {
    long onContainer = ContainerPlan.commandSeqOf(container);
    CommandState known = commands.get(id);
    if (known == null || known.seq() < onContainer) {
      known = new CommandState(onContainer, "");
      commands.put(id, known);
    }
    return known;
  }

  private ReplicaStatus observed(String id, ReplicaReconcile.Observed o, String error) {
    if (o.container().isEmpty()) {
      return status(id, "pending", 0, List.of(), error);
    }
    var c = o.container().get();
    return status(
        id,
        c.isRunning() ? "running" : "stopped",
        ContainerPlan.generationOf(c).orElse(0),
        o.snapshots(),
        error);
  }

  private ReplicaStatus failed(String id, ReplicaReconcile.Observed o, String error) {
    ReplicaStatus seen = observed(id, o, error);
    return status(id, "failed", seen.generation(), seen.snapshots(), error);
  }

  private ReplicaStatus status(
      String id, String state, long generation, List<String> snapshots, String error) {
    CommandState c = commands.get(id);
    return new ReplicaStatus(
        ReplicaStatus.SCHEMA,
        id,
        nodeId,
        state,
        generation,
        snapshots,
        // LXD's errors can be long (a failed rsync's output); the control plane takes 512.
        ReplicaStatusReport.shorten(error),
        clock.millis(),
        c == null ? 0 : c.seq(),
        ReplicaStatusReport.shorten(c == null ? "" : c.error()));
  }

  private void publish(ReplicaStatus s) {
    if (!desired.containsKey(s.replicaId()) && !held.containsKey(s.replicaId())) {
      return; // removed meanwhile: its status goes with it
    }
    ReplicaStatus before = statuses.put(s.replicaId(), s);
    if (before == null || !sameBut(before, s)) {
      try {
        onChange.accept(s);
      } catch (RuntimeException e) {
        LOG.warn("LXD: the replica status listener failed: {}", e.toString());
      }
    }
  }

  /** One retry timer per replica at most: failures while one is pending add none. */
  private void retryLater(String id) {
    if (stopped) {
      return;
    }
    retryTimers.computeIfAbsent(
        id,
        k ->
            vertx.setTimer(
                retryDelay.toMillis(),
                t -> {
                  retryTimers.remove(k);
                  if (!stopped) {
                    runs.request(k);
                  }
                }));
  }

  private long generation(String id) {
    ReplicaStatus s = statuses.get(id);
    return s == null ? 0 : s.generation();
  }

  private List<String> snapshots(String id) {
    ReplicaStatus s = statuses.get(id);
    return s == null ? List.of() : s.snapshots();
  }

  private String lastError(String id) {
    ReplicaStatus s = statuses.get(id);
    return s == null ? "" : s.error();
  }

  private static boolean sameBut(ReplicaStatus a, ReplicaStatus b) {
    return a.state().equals(b.state())
        && a.generation() == b.generation()
        && a.snapshots().equals(b.snapshots())
        && a.error().equals(b.error())
        && a.commandSeq() == b.commandSeq()
        && a.commandError().equals(b.commandError());
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
