package io.uptimemesh.web.workload;

import io.uptimemesh.core.config.SchedulerSettings;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.core.workload.HostPorts;
import io.uptimemesh.core.workload.ReplicaIdSource;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.SchedulerNode;
import io.uptimemesh.core.workload.SchedulerService;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.EtcdTransaction;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code replicas move ID --to NODE} (ADR 0014): writes a replacement replica on NODE ({@code
 * replaces} = ID, the same generation, free host ports, its endpoints) in one transaction that
 * checks the old record, the target node and the service are as decided on. The scheduler's
 * make-before-break rule removes ID once the replacement is running and healthy.
 */
final class ReplicaMover {
  private static final int ID_ATTEMPTS = 1000;

  private final EtcdStore store;
  private final WatchCache cache;
  private final Events events;
  private final Clock clock;
  private final SchedulerSettings settings;
  private final ReplicaIdSource ids;
  private final ReplicaWrites writes;

  ReplicaMover(
      EtcdStore store,
      WatchCache cache,
      Events events,
      Clock clock,
      SchedulerSettings settings,
      ReplicaIdSource ids) {
    this.store = store;
    this.cache = cache;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
    this.ids = ids;
    this.writes = new ReplicaWrites(store.layout());
  }

  /**
   * @return the replacement written
   */
  Future<ReplicaRecord> move(String id, String to, String user, IdempotencyClaim claim) {
    KeyLayout keys = store.layout();
    CacheSnapshot snap = cache.snapshot();
    if (!EndpointRecord.ID.matcher(id).matches() || id.contains("..")) {
      throw UptimeMeshException.notFound("replica " + id + " does not exist");
    }
    try {
      NodeIds.validate(to);
    } catch (UptimeMeshException e) {
      throw UptimeMeshException.notFound("node " + to + " does not exist");
    }
    SchedulerView view =
        SchedulerView.read(snap, store, clock.millis(), settings.rescheduleGrace().toMillis());
    ReplicaRecord old =
        view.replica(id)
            .orElseThrow(() -> UptimeMeshException.notFound("replica " + id + " does not exist"));
    SchedulerNode target =
        view.node(to)
            .orElseThrow(() -> UptimeMeshException.notFound("node " + to + " does not exist"));
    SchedulerService service =
        view.service(old.service())
            .filter(s -> s.workload() != null)
            .orElseThrow(
                () ->
                    UptimeMeshException.conflict(
                        "service " + old.service() + " has no workload: nothing to move"));
    WorkloadSpec spec = service.workload();
    refuseIneligible(view, old, target, spec);
    Set<Integer> used = new HashSet<>();
    view.input().replicas().stream()
        .filter(r -> r.nodeId().equals(to))
        .forEach(r -> used.addAll(r.hostPorts().values()));
    Map<String, Integer> ports = HostPorts.free(used::contains, spec.ports());
    if (ports == null) {
      throw UptimeMeshException.conflict("node " + to + " has no free host ports for " + id);
    }
    long now = clock.millis();
    ReplicaRecord replacement =
        new ReplicaRecord(
            ReplicaRecord.SCHEMA,
            newId(view, old.service()),
            old.service(),
            to,
            old.generation(),
            ports,
            old.id(),
            now);
    List<EndpointRecord> endpoints =
        ReplicaWrites.endpoints(replacement, spec, target.meshIp(), now, Events.user(user));
    DecisionBasis basis = new DecisionBasis(snap);
    EtcdTransaction tx = store.transaction();
    writes.requirePlaceable(basis, tx, replacement);
    // The replicas decided on (those on NODE, and any replacement of ID) must not have changed.
    for (ReplicaRecord r : view.input().replicas()) {
      if (r.nodeId().equals(to) || old.id().equals(r.replaces())) {
        basis.require(tx, keys.replica(r.id()));
      }
    }
    // A replacement written meanwhile under a new id cannot be compared (etcd compares keys, not
    // ranges), so each move also rewrites ID's record as it is: of two moves of ID at the same
    // moment, the second finds ID's revision changed and gets a 409 instead of a second
    // replacement. (The agent's document does not change: the record's content is the same.)
    basis.require(tx, keys.replica(old.id()));
    tx.put(keys.replica(old.id()), old);
    writes.place(tx, replacement, endpoints);
    return tx.claim(claim)
        .commit("move replica " + id + " to " + to)
        .compose(
            rev -> {
              if (rev.isEmpty()) {
                throw UptimeMeshException.conflict(
                    "replica " + id + " or node " + to + " changed meanwhile; try again");
              }
              events.info(
                  EventCategory.WORKLOADS,
                  "replica_move_requested",
                  Events.user(user),
                  Map.of(
                      "replica_id", old.id(),
                      "service", old.service(),
                      "from_node", old.nodeId(),
                      "to_node", to,
                      "replacement_id", replacement.id()));
              return cache
                  .awaitRevision(rev.get(), WorkloadCatalog.READ_YOUR_WRITES)
                  .map(v -> replacement);
            });
  }

  /** 409 naming why NODE cannot take the replacement. */
  private static void refuseIneligible(
      SchedulerView view, ReplicaRecord old, SchedulerNode target, WorkloadSpec spec) {
    String to = target.id();
    if (old.nodeId().equals(to)) {
      throw UptimeMeshException.conflict("replica " + old.id() + " is on node " + to + " already");
    }
    view.input().replicas().stream()
        .filter(r -> old.id().equals(r.replaces()))
        .findFirst()
        .ifPresent(
            r -> {
              throw UptimeMeshException.conflict(
                  "replica " + old.id() + " has a replacement already: " + r.id());
            });
    if (!target.eligibleFor(spec)) {
      throw UptimeMeshException.conflict(
          "node " + to + " cannot take replicas of " + old.service() + ": " + why(target));
    }
    if (!spec.mayShareNodes()) {
      view.input().replicas().stream()
          .filter(r -> r.service().equals(old.service()) && r.nodeId().equals(to))
          .findFirst()
          .ifPresent(
              r -> {
                throw UptimeMeshException.conflict(
                    "node "
                        + to
                        + " holds replica "
                        + r.id()
                        + " of "
                        + old.service()
                        + " already (hard anti-affinity)");
              });
    }
  }

  private static String why(SchedulerNode n) {
    if (n.revoked()) {
      return "it is revoked";
    }
    if (!n.alive()) {
      return "it is not alive";
    }
    if (n.meshIp() == null || n.meshIp().isBlank()) {
      return "it has no mesh address";
    }
    if (n.scheduling() != null && n.scheduling().draining()) {
      return "it is draining";
    }
    if (n.scheduling() != null && n.scheduling().cordoned()) {
      return "it is cordoned";
    }
    return "it does not match the service's node selector";
  }

  private String newId(SchedulerView view, String service) {
    for (int i = 0; i < ID_ATTEMPTS; i++) {
      String id = ReplicaIdSource.id(service, ids.next());
      if (view.replica(id).isEmpty()) {
        return id;
      }
    }
    throw new UptimeMeshException(
        io.uptimemesh.core.error.ErrorCode.INTERNAL, "no free replica id for " + service);
  }
}
