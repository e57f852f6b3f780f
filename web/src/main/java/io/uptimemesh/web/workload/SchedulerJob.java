package io.uptimemesh.web.workload;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.ReplicaIdSource;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.SchedulerAction;
import io.uptimemesh.core.workload.SchedulerNode;
import io.uptimemesh.core.workload.SchedulerPlan;
import io.uptimemesh.core.workload.SchedulerService;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.etcd.leader.LeaderJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler (ADR 0014), a leader-only job: reads one watch-cache snapshot ({@link
 * SchedulerView}), plans with the pure {@link SchedulerPlan} and applies the actions in plan order,
 * one fenced transaction each that also requires what the action was decided on to be unchanged
 * ({@link DecisionBasis}). The first action whose transaction finds a change (or a lost fence) ends
 * the run: every prefix of a plan is a valid state, and the next run plans afresh.
 *
 * <p>It runs every {@code SCHEDULER_INTERVAL_SECONDS}, and at the next {@value #TICK_MS} ms tick
 * after the watch cache saw a change of anything the plan depends on (services, rollouts, replicas,
 * statuses, endpoints and their health, nodes, liveness, stale markers, node scheduling), so a
 * drain or a node's death is acted on within about a second; the tick is the debounce, a burst of
 * changes makes one run. {@link io.uptimemesh.etcd.leader.LeaderJobs} stops it with leadership.
 */
public final class SchedulerJob implements LeaderJob {
  private static final Logger log = LoggerFactory.getLogger(SchedulerJob.class);

  /** How often the job looks whether a run is due (a change seen, or the interval over). */
  static final long TICK_MS = 100;

  /** How long a run waits for the watch cache to show its own writes (the next run plans on it). */
  private static final Duration OWN_WRITES = Duration.ofSeconds(2);

  static final String ACTOR = Events.SYSTEM;

  private final Vertx vertx;
  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;
  private final SchedulerSettings settings;
  private final ReplicaIdSource ids;
  private final ReplicaWrites writes;
  private final List<String> watchedPrefixes;

  private volatile boolean changed = true;
  private volatile long lastFingerprint;
  private volatile long lastRunNanos;
  private Set<SchedulerPlan.Note> lastNotes = Set.of();

  // For metrics: plain counters, read by the registry when it is scraped.
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong placed = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private final AtomicLong interrupted = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong notes = new AtomicLong();

  public SchedulerJob(
      Vertx vertx,
      EtcdStore store,
      WatchCache cache,
      Events events,
      Clock clock,
      SchedulerSettings settings,
      ReplicaIdSource ids) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
    this.ids = ids;
    KeyLayout keys = store.layout();
    this.writes = new ReplicaWrites(keys);
    this.watchedPrefixes =
        List.of(
            keys.servicesPrefix(),
            keys.rolloutsPrefix(),
            keys.replicasPrefix(),
            keys.replicaStatusPrefix(),
            keys.endpointsPrefix(),
            keys.endpointHealthPrefix(),
            keys.nodesPrefix(),
            keys.alivePrefix(),
            keys.nodeStalePrefix(),
            keys.nodeSchedulingPrefix());
    cache.onChange(this::cacheChanged);
  }

  @Override
  public String name() {
    return "scheduler";
  }

  @Override
  public Duration interval() {
    return Duration.ofMillis(TICK_MS);
  }

  @Override
  public Future<Void> run(Fence fence) {
    boolean due = changed || System.nanoTime() - lastRunNanos >= settings.interval().toNanos();
    if (!due) {
      return Future.succeededFuture();
    }
    if (!cache.synced()) {
      // A lagging view would only make the transactions fail; wait for the cache to follow etcd.
      return Future.succeededFuture();
    }
    changed = false;
    lastRunNanos = System.nanoTime();
    return runOnce(fence).mapEmpty();
  }

  /** What one run did: the actions applied, and whether it stopped at one that found a change. */
  public record Outcome(int applied, int planned, boolean interrupted) {}

  /** Plans on the current snapshot and applies the plan; for the leader runner and tests. */
  public Future<Outcome> runOnce(Fence fence) {
    CacheSnapshot snap = cache.snapshot();
    // Decoding a whole cluster and planning it is CPU work that grows with it: off the event loop.
    return vertx
        .executeBlocking(
            () -> {
              SchedulerView view =
                  SchedulerView.read(
                      snap, store, clock.millis(), settings.rescheduleGrace().toMillis());
              return new Planned(view, SchedulerPlan.plan(view.input(), ids));
            },
            false)
        .compose(p -> apply(fence, p.view(), p.plan()));
  }

  private record Planned(SchedulerView view, SchedulerPlan plan) {}

  private Future<Outcome> apply(Fence fence, SchedulerView view, SchedulerPlan plan) {
    runs.incrementAndGet();
    notes.set(plan.notes().size());
    recordNewNotes(plan.notes());
    DecisionBasis basis = new DecisionBasis(view.snapshot());
    return apply(fence, view, basis, plan.actions(), 0, 0L)
        .compose(
            last -> {
              int applied = last.applied();
              Future<Void> seen =
                  last.revision() > 0
                      ? cache.awaitRevision(last.revision(), OWN_WRITES)
                      : Future.succeededFuture();
              boolean stopped = applied < plan.actions().size();
              pending.set(plan.actions().size() - applied);
              if (stopped) {
                interrupted.incrementAndGet();
              }
              return seen.map(v -> new Outcome(applied, plan.actions().size(), stopped));
            });
  }

  private record Progress(int applied, long revision) {}

  private Future<Progress> apply(
      Fence fence,
      SchedulerView view,
      DecisionBasis basis,
      List<SchedulerAction> actions,
      int index,
      long revision) {
    if (index == actions.size()) {
      return Future.succeededFuture(new Progress(index, revision));
    }
    SchedulerAction action = actions.get(index);
    Future<Optional<Long>> done =
        action instanceof SchedulerAction.Place p
            ? place(fence, view, basis, p)
            : remove(fence, view, basis, (SchedulerAction.Remove) action);
    return done.compose(
        rev -> {
          if (rev.isEmpty()) {
            log.info(
                "scheduler: stopped before '{}': what it was decided on changed meanwhile, or"
                    + " leadership was lost",
                action.describe());
            return Future.succeededFuture(new Progress(index, revision));
          }
          record(action);
          return apply(fence, view, basis, actions, index + 1, rev.get());
        });
  }

  private Future<Optional<Long>> place(
      Fence fence, SchedulerView view, DecisionBasis basis, SchedulerAction.Place p) {
    KeyLayout keys = store.layout();
    SchedulerService service = view.service(p.service()).orElseThrow();
    SchedulerNode node = view.node(p.nodeId()).orElseThrow();
    long now = clock.millis();
    ReplicaRecord r = p.record(now);
    List<EndpointRecord> endpoints =
        ReplicaWrites.endpoints(r, service.workload(), node.meshIp(), now, ACTOR);
    EtcdTransaction tx = store.transaction().fencedBy(fence);
    // The rollout too: it decided the generation new replicas run.
    basis.require(tx, keys.rollout(p.service()));
    writes.requirePlaceable(basis, tx, r);
    List<String> placed = writes.placedKeys(r);
    writes.place(tx, r, endpoints);
    return tx.commit("place replica " + r.id())
        .onSuccess(rev -> rev.ifPresent(v -> basis.committed(placed, List.of(), v)));
  }

  /**
   * Removes a replica; requires it, its service's rollout record, and every replica that replaces
   * it with its status, liveness and endpoint health, to be as decided on: make-before-break never
   * acts on a replacement's health that changed meanwhile.
   */
  private Future<Optional<Long>> remove(
      Fence fence, SchedulerView view, DecisionBasis basis, SchedulerAction.Remove action) {
    KeyLayout keys = store.layout();
    Optional<ReplicaRecord> found = view.replica(action.replicaId());
    if (found.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    ReplicaRecord r = found.get();
    EtcdTransaction tx = store.transaction().fencedBy(fence);
    basis.require(tx, keys.replica(r.id()));
    // The rollout too: whether it runs decides the surge, so whether r is surplus; a rollout that
    // started meanwhile may be counting r as serving.
    basis.require(tx, keys.rollout(r.service()));
    for (ReplicaRecord q : view.input().replicas()) {
      if (r.id().equals(q.replaces())) {
        basis.require(tx, keys.replica(q.id()));
        basis.require(tx, keys.replicaStatus(q.id()));
        basis.require(tx, keys.alive(q.nodeId()));
        for (String port : q.hostPorts().keySet()) {
          basis.require(tx, keys.endpoint(ReplicaWrites.endpointId(q.id(), port)));
          basis.require(tx, keys.endpointHealth(ReplicaWrites.endpointId(q.id(), port)));
        }
      }
    }
    List<String> removed = writes.removedKeys(r);
    writes.remove(tx, r);
    return tx.commit("remove replica " + r.id())
        .onSuccess(rev -> rev.ifPresent(v -> basis.committed(List.of(), removed, v)));
  }

  private void record(SchedulerAction action) {
    log.info("scheduler: {}", action.describe());
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("replica_id", action.replicaId());
    fields.put("service", action.service());
    fields.put("node_id", action.nodeId());
    fields.put("reason", action.reason() == null ? "" : action.reason());
    if (action instanceof SchedulerAction.Place p) {
      fields.put("generation", Long.toString(p.generation()));
      if (p.replaces() != null) {
        fields.put("replaces", p.replaces());
      }
      placed.incrementAndGet();
      events.info(EventCategory.WORKLOADS, "replica_placed", ACTOR, fields);
    } else {
      removed.incrementAndGet();
      events.info(EventCategory.WORKLOADS, "replica_removed", ACTOR, fields);
    }
  }

  /**
   * Publishes {@code uptimemesh_scheduler_*}: runs, replicas placed and removed, runs stopped by a
   * change, actions left by the last run, and what the last plan could not do.
   */
  public void bindMetrics(MeterRegistry registry) {
    FunctionCounter.builder("uptimemesh.scheduler.runs", runs, AtomicLong::get)
        .description("Scheduler runs on this core node while it led")
        .register(registry);
    FunctionCounter.builder("uptimemesh.scheduler.replicas.placed", placed, AtomicLong::get)
        .description("Replicas the scheduler placed (new, replacements, surge) while this node led")
        .register(registry);
    FunctionCounter.builder("uptimemesh.scheduler.replicas.removed", removed, AtomicLong::get)
        .description("Replicas the scheduler removed (scale down, replaced, lost nodes)")
        .register(registry);
    FunctionCounter.builder("uptimemesh.scheduler.interrupted", interrupted, AtomicLong::get)
        .description("Runs stopped because what an action was decided on changed meanwhile")
        .register(registry);
    Gauge.builder("uptimemesh.scheduler.actions.pending", pending, AtomicLong::get)
        .description("Actions the last plan wanted that were not applied yet")
        .register(registry);
    Gauge.builder("uptimemesh.scheduler.notes", notes, AtomicLong::get)
        .description("What the last plan could not do (too few eligible nodes)")
        .register(registry);
  }

  /** A note is recorded once when it appears, not on every run while it holds. */
  private synchronized void recordNewNotes(List<SchedulerPlan.Note> notes) {
    Set<SchedulerPlan.Note> now = new HashSet<>(notes);
    for (SchedulerPlan.Note n : notes) {
      if (!lastNotes.contains(n)) {
        log.warn("scheduler: {}: {}", n.service(), n.message());
        events.warning(
            EventCategory.WORKLOADS,
            "scheduler_cannot_place",
            ACTOR,
            Map.of("service", n.service(), "message", n.message()));
      }
    }
    lastNotes = now;
  }

  /**
   * Marks a run due when anything the plan depends on changed: a sum over the watched keys of their
   * mod revisions (a deleted key takes its term away, a new or changed one adds another).
   */
  private void cacheChanged(CacheSnapshot snap) {
    long fingerprint = 0;
    for (String prefix : watchedPrefixes) {
      for (CacheSnapshot.Entry e : snap.withPrefix(prefix).values()) {
        fingerprint += e.modRevision() * 31 + e.key().hashCode();
      }
    }
    if (fingerprint != lastFingerprint) {
      lastFingerprint = fingerprint;
      changed = true;
    }
  }
}
