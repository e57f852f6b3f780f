package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.RolloutInput;
import io.uptimemesh.core.workload.RolloutPlan;
import io.uptimemesh.core.workload.RolloutRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.etcd.leader.LeaderJob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader job: advances every service's rollout ({@link RolloutPlan}) from one watch-cache snapshot,
 * one fenced transaction per service that changes, which also checks the mod revisions of
 * everything it decided on (the service, its rollout record, its replicas and their statuses), so a
 * deposed leader or a race writes nothing and the next pass decides again. Runs every {@code
 * ROLLOUT_INTERVAL_SECONDS} and, while this node leads, promptly (debounced) when services,
 * replicas, their statuses or endpoint health change.
 */
public final class RolloutJob implements LeaderJob {
  private static final Logger log = LoggerFactory.getLogger(RolloutJob.class);

  /** Changes closer together than this make one prompt pass. */
  static final long DEBOUNCE_MS = 100;

  private final Vertx vertx;
  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;
  private final Duration interval;
  private final Duration healthTimeout;

  // Guarded by this: the term the leader jobs last ran us in, and whether a pass is in flight.
  private Fence fence;
  private long lastScheduledRunMs;
  private Future<Integer> inFlight = Future.succeededFuture(0);
  private boolean again;
  private long debounceTimer = -1;
  private String lastFingerprint = "";

  /**
   * @param interval {@code ROLLOUT_INTERVAL_SECONDS}
   * @param healthTimeout {@code LXD_HEALTH_TIMEOUT_SECONDS}: how long a step may take
   */
  public RolloutJob(
      Vertx vertx,
      EtcdStore store,
      WatchCache cache,
      Events events,
      Clock clock,
      Duration interval,
      Duration healthTimeout) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
    this.interval = interval;
    this.healthTimeout = healthTimeout;
    cache.onChange(this::changed);
  }

  @Override
  public String name() {
    return "rollout";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public Future<Void> run(Fence fence) {
    synchronized (this) {
      this.fence = fence;
      this.lastScheduledRunMs = clock.millis();
    }
    return pass(fence).mapEmpty();
  }

  /**
   * A prompt pass after a relevant change, only while the leader jobs still run us (a run began
   * within two intervals): a deposed leader stops reacting by itself, and its writes would fail the
   * fence anyway.
   */
  private void changed(CacheSnapshot snapshot) {
    String fp = fingerprint(snapshot);
    synchronized (this) {
      if (fp.equals(lastFingerprint)) {
        return;
      }
      lastFingerprint = fp;
      boolean leading =
          fence != null && clock.millis() - lastScheduledRunMs < 2 * interval.toMillis() + 1000;
      if (!leading || debounceTimer >= 0) {
        return;
      }
      debounceTimer =
          vertx.setTimer(
              DEBOUNCE_MS,
              id -> {
                Fence f;
                synchronized (this) {
                  debounceTimer = -1;
                  f = fence;
                }
                pass(f);
              });
    }
  }

  /** Count and newest mod revision of the keys a rollout depends on: changes iff they did. */
  private String fingerprint(CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    StringBuilder sb = new StringBuilder();
    for (String prefix :
        List.of(
            keys.servicesPrefix(),
            keys.replicasPrefix(),
            keys.replicaStatusPrefix(),
            keys.endpointHealthPrefix(),
            keys.rolloutsPrefix())) {
      var entries = snapshot.withPrefix(prefix);
      long newest =
          entries.values().stream().mapToLong(CacheSnapshot.Entry::modRevision).max().orElse(0);
      sb.append(entries.size()).append(':').append(newest).append(';');
    }
    return sb.toString();
  }

  /** One pass, never two at once: a pass asked for meanwhile runs once after the current one. */
  Future<Integer> pass(Fence fence) {
    synchronized (this) {
      if (!inFlight.isComplete()) {
        again = true;
        return inFlight;
      }
      inFlight =
          once(fence)
              .onComplete(
                  ar -> {
                    boolean rerun;
                    synchronized (this) {
                      rerun = again;
                      again = false;
                    }
                    if (ar.failed()) {
                      log.warn("rollout pass failed: {}", ar.cause().getMessage());
                    }
                    if (rerun) {
                      pass(fence);
                    }
                  });
      return inFlight;
    }
  }

  /** Plans every service from one snapshot and writes the changes; yields how many committed. */
  private Future<Integer> once(Fence fence) {
    if (!cache.synced()) {
      return Future.succeededFuture(0); // a lagging view decides nothing; the next pass will
    }
    CacheSnapshot snap = cache.snapshot();
    KeyLayout keys = store.layout();
    long now = clock.millis();
    Map<String, List<Versioned<ReplicaRecord>>> byService = new HashMap<>();
    for (CacheSnapshot.Entry e : snap.withPrefix(keys.replicasPrefix()).values()) {
      try {
        Versioned<ReplicaRecord> r = store.decode(e, ReplicaRecord.class);
        byService.computeIfAbsent(r.value().service(), s -> new ArrayList<>()).add(r);
      } catch (RuntimeException bad) {
        // One unreadable record must not stop every other service's rollout.
        log.warn("rollout: skipping {}: {}", e.key(), bad.getMessage());
      }
    }
    List<Future<Boolean>> writes = new ArrayList<>();
    for (CacheSnapshot.Entry e : snap.withPrefix(keys.servicesPrefix()).values()) {
      Versioned<ServiceRecord> service;
      try {
        service = store.decode(e, ServiceRecord.class);
      } catch (RuntimeException bad) {
        log.warn("rollout: skipping {}: {}", e.key(), bad.getMessage());
        continue;
      }
      if (!service.value().hasWorkload()) {
        continue;
      }
      writes.add(
          advance(
              fence,
              snap,
              service,
              byService.getOrDefault(service.value().name(), List.of()),
              now));
    }
    // The record of a deleted service goes too (else a new service of that name would show it).
    for (CacheSnapshot.Entry e : snap.withPrefix(keys.rolloutsPrefix()).values()) {
      String service = KeyLayout.lastSegment(e.key());
      if (snap.get(keys.service(service)).isEmpty()) {
        writes.add(
            store
                .transaction()
                .fencedBy(fence)
                .requireAbsent(keys.service(service))
                .requireModRevision(e.key(), e.modRevision())
                .delete(e.key())
                .commit("delete the rollout of deleted service " + service)
                .map(rev -> rev.isPresent()));
      }
    }
    return Future.all(writes).map(c -> (int) c.<Boolean>list().stream().filter(b -> b).count());
  }

  private Future<Boolean> advance(
      Fence fence,
      CacheSnapshot snap,
      Versioned<ServiceRecord> service,
      List<Versioned<ReplicaRecord>> replicas,
      long now) {
    KeyLayout keys = store.layout();
    String name = service.value().name();
    Map<String, ReplicaStatus> statuses = new HashMap<>();
    Map<String, Long> statusRevisions = new HashMap<>();
    Map<String, String> health = new HashMap<>();
    for (Versioned<ReplicaRecord> v : replicas) {
      ReplicaRecord r = v.value();
      Optional<CacheSnapshot.Entry> s = snap.get(keys.replicaStatus(r.id()));
      s.ifPresent(
          e -> {
            statuses.put(r.id(), store.decode(e, ReplicaStatus.class).value());
            statusRevisions.put(r.id(), e.modRevision());
          });
      health.put(r.id(), ReplicaHealth.of(snap, store, r).health());
    }
    Optional<Versioned<RolloutRecord>> current =
        snap.get(keys.rollout(name)).map(e -> store.decode(e, RolloutRecord.class));
    RolloutPlan plan =
        RolloutPlan.plan(
            new RolloutInput(
                name,
                service.value().generation(),
                service.value().workload(),
                replicas.stream().map(Versioned::value).toList(),
                statuses,
                health,
                current.map(Versioned::value).orElse(null),
                now,
                healthTimeout.toMillis()));
    if (plan.nothingToWrite()) {
      return Future.succeededFuture(false);
    }
    EtcdTransaction tx =
        store
            .transaction()
            .fencedBy(fence)
            .requireModRevision(keys.service(name), service.modRevision());
    if (current.isPresent()) {
      tx.requireModRevision(keys.rollout(name), current.get().modRevision());
    } else {
      tx.requireAbsent(keys.rollout(name));
    }
    for (Versioned<ReplicaRecord> v : replicas) {
      String id = v.value().id();
      tx.requireModRevision(keys.replica(id), v.modRevision());
      Long rev = statusRevisions.get(id);
      if (rev == null) {
        tx.requireAbsent(keys.replicaStatus(id));
      } else {
        tx.requireModRevision(keys.replicaStatus(id), rev);
      }
    }
    plan.replicas().forEach(r -> tx.put(keys.replica(r.id()), r));
    if (plan.recordChanged()) {
      tx.put(keys.rollout(name), plan.record());
    }
    return tx.commit("advance the rollout of service " + name)
        .map(
            rev -> {
              if (rev.isEmpty()) {
                return false; // changed meanwhile or no longer leader: decided again next pass
              }
              for (RolloutPlan.Event ev : plan.events()) {
                if (RolloutPlan.FAILED.equals(ev.name())) {
                  events.warning(EventCategory.WORKLOADS, ev.name(), Events.SYSTEM, ev.fields());
                } else {
                  events.info(EventCategory.WORKLOADS, ev.name(), Events.SYSTEM, ev.fields());
                }
              }
              return true;
            });
  }
}
