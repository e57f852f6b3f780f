package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.RolloutRecord;
import io.uptimemesh.core.workload.RolloutRecord.RolloutStep;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.Versioned;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * A service's rollout as operators see it ({@code GET /api/v1/services/{name}/rollout}) and {@code
 * services rollout NAME}: a failed rollout of the service's current generation starts over. The API
 * writes the fresh record itself (every step pending, the restored replica included) in one
 * transaction that checks the service's and the record's revisions; the leader's rollout job then
 * carries it on like any other.
 */
final class RolloutService {
  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;

  RolloutService(EtcdStore store, WatchCache cache, Events events, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
  }

  /** The service's rollout record; 404 when the service does not exist or has none. */
  Versioned<RolloutRecord> show(String name) {
    CacheSnapshot snap = cache.snapshot();
    requireService(snap, name);
    return snap.get(store.layout().rollout(name))
        .map(e -> store.decode(e, RolloutRecord.class))
        .orElseThrow(
            () -> UptimeMeshException.notFound("service " + name + " has no rollout (yet)"));
  }

  /**
   * Starts the failed rollout of the current generation again; 409 when a rollout is running or
   * there is nothing to start again.
   */
  Future<Versioned<RolloutRecord>> restart(String name, String user, IdempotencyClaim claim) {
    CacheSnapshot snap = cache.snapshot();
    KeyLayout keys = store.layout();
    Versioned<ServiceRecord> service = requireService(snap, name);
    if (!service.value().hasWorkload()) {
      throw UptimeMeshException.conflict(
          "service " + name + " has no workload to roll out (discovery only)");
    }
    Versioned<RolloutRecord> current =
        snap.get(keys.rollout(name))
            .map(e -> store.decode(e, RolloutRecord.class))
            .orElseThrow(
                () ->
                    UptimeMeshException.conflict(
                        "service " + name + " has no failed rollout to start again"));
    RolloutRecord r = current.value();
    if (r.running()) {
      throw UptimeMeshException.conflict(
          "the rollout of service " + name + " to generation " + r.toGeneration() + " is running");
    }
    if (!r.failed() || r.toGeneration() != service.value().generation()) {
      throw UptimeMeshException.conflict(
          "service "
              + name
              + " has no failed rollout of its generation "
              + service.value().generation()
              + " to start again (the last one, to generation "
              + r.toGeneration()
              + ", "
              + r.state()
              + ")");
    }
    long now = clock.millis();
    Map<String, RolloutStep> steps = new TreeMap<>();
    for (CacheSnapshot.Entry e : snap.withPrefix(keys.replicasPrefix()).values()) {
      ReplicaRecord replica = store.decode(e, ReplicaRecord.class).value();
      if (replica.service().equals(name)) {
        steps.put(replica.id(), new RolloutStep(RolloutStep.PENDING, 0, ""));
      }
    }
    RolloutRecord fresh =
        new RolloutRecord(
            RolloutRecord.SCHEMA,
            name,
            r.fromGeneration(),
            r.toGeneration(),
            RolloutRecord.RUNNING,
            steps,
            "",
            now,
            now);
    return store
        .transaction()
        .requireModRevision(keys.service(name), service.modRevision())
        .requireModRevision(keys.rollout(name), current.modRevision())
        .put(keys.rollout(name), fresh)
        .claim(claim)
        .commit("start the rollout of service " + name + " again")
        .compose(
            rev -> {
              if (rev.isEmpty()) {
                throw UptimeMeshException.conflict(
                    "the rollout of service " + name + " changed meanwhile; look again");
              }
              events.info(
                  EventCategory.WORKLOADS,
                  "rollout_restarted",
                  Events.user(user),
                  Map.of(
                      "service",
                      name,
                      "generation",
                      Long.toString(fresh.toGeneration()),
                      "from_generation",
                      Long.toString(fresh.fromGeneration())));
              return cache
                  .awaitRevision(rev.get(), WorkloadCatalog.READ_YOUR_WRITES)
                  .map(
                      v ->
                          new Versioned<>(
                              keys.rollout(name), fresh, current.createRevision(), rev.get()));
            });
  }

  private Versioned<ServiceRecord> requireService(CacheSnapshot snap, String name) {
    if (name == null || !DnsNames.isLabel(name)) {
      throw UptimeMeshException.notFound("service " + name + " does not exist");
    }
    return snap.get(store.layout().service(name))
        .map(e -> store.decode(e, ServiceRecord.class))
        .orElseThrow(() -> UptimeMeshException.notFound("service " + name + " does not exist"));
  }

  /** The record as the API shows it. */
  static JsonObject json(RolloutRecord r, long modRevision) {
    JsonObject steps = new JsonObject();
    r.steps()
        .forEach(
            (id, s) ->
                steps.put(
                    id,
                    new JsonObject()
                        .put("state", s.state())
                        .put("started_at_ms", s.startedAtMs())
                        .put("reason", s.reason())));
    return new JsonObject()
        .put("service", r.service())
        .put("from_generation", r.fromGeneration())
        .put("to_generation", r.toGeneration())
        .put("state", r.state())
        .put("reason", r.reason())
        .put("steps", steps)
        .put("started_at_ms", r.startedAtMs())
        .put("updated_at_ms", r.updatedAtMs())
        .put("revision", modRevision);
  }
}
