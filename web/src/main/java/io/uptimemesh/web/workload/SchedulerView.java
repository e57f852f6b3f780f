package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeStaleRecord;
import io.uptimemesh.core.workload.NodeScheduling;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.RolloutRecord;
import io.uptimemesh.core.workload.SchedulerInput;
import io.uptimemesh.core.workload.SchedulerNode;
import io.uptimemesh.core.workload.SchedulerService;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler's input read from one watch-cache snapshot (ADR 0014), and that snapshot: the
 * leader job, {@code GET /api/v1/scheduler/plan} and {@code replicas move} decide from the same
 * reading, and the job's transactions check the mod revisions of what it was decided on.
 *
 * @param snapshot the snapshot read
 * @param input what {@code SchedulerPlan.plan} decides from
 */
record SchedulerView(CacheSnapshot snapshot, SchedulerInput input) {

  /**
   * Reads services (new replicas run {@link RolloutRecord#generationForNewReplicas}; the surge of a
   * running rollout, {@link #surge}), nodes (liveness from {@code alive/}, stale since from the
   * stale sweep's {@code node-stale/} marker, scheduling), replicas, their statuses and their
   * health ({@link ReplicaHealth}).
   */
  static SchedulerView read(CacheSnapshot snap, EtcdStore store, long nowMs, long graceMs) {
    KeyLayout keys = store.layout();
    List<SchedulerService> services = new ArrayList<>();
    for (CacheSnapshot.Entry e : snap.withPrefix(keys.servicesPrefix()).values()) {
      ServiceRecord s = store.decode(e, ServiceRecord.class).value();
      RolloutRecord rollout =
          snap.get(keys.rollout(s.name()))
              .map(r -> store.decode(r, RolloutRecord.class).value())
              .orElse(null);
      services.add(
          new SchedulerService(
              s.name(),
              RolloutRecord.generationForNewReplicas(s.generation(), rollout),
              s.workload(),
              surge(s, rollout)));
    }
    List<SchedulerNode> nodes = new ArrayList<>();
    for (CacheSnapshot.Entry e : snap.withPrefix(keys.nodesPrefix()).values()) {
      NodeRecord n = store.decode(e, NodeRecord.class).value();
      String id = n.nodeId();
      boolean alive = snap.get(keys.alive(id)).map(a -> a.lease() != 0).orElse(false);
      Long staleSince =
          snap.get(keys.nodeStale(id))
              .map(m -> store.decode(m, NodeStaleRecord.class).value().sinceMs())
              .orElse(null);
      NodeScheduling scheduling =
          snap.get(keys.nodeScheduling(id))
              .map(m -> store.decode(m, NodeScheduling.class).value())
              .orElse(null);
      nodes.add(
          new SchedulerNode(
              id, n.role(), n.labels(), alive, n.revoked(), staleSince, scheduling, n.meshIp()));
    }
    List<ReplicaRecord> replicas = replicas(snap, store);
    Map<String, ReplicaStatus> statuses = new HashMap<>();
    Map<String, Boolean> healthy = new HashMap<>();
    for (ReplicaRecord r : replicas) {
      snap.get(keys.replicaStatus(r.id()))
          .ifPresent(s -> statuses.put(r.id(), store.decode(s, ReplicaStatus.class).value()));
      healthy.put(r.id(), ReplicaHealth.of(snap, store, r).healthy());
    }
    return new SchedulerView(
        snap, new SchedulerInput(services, nodes, replicas, statuses, healthy, nowMs, graceMs));
  }

  /**
   * {@code max_surge} while a rollout to the service's current generation runs, else 0: the surge
   * replicas start on the new generation and go again when the rollout ends (ADR 0014 "Rollout").
   */
  static int surge(ServiceRecord s, RolloutRecord rollout) {
    boolean rolling =
        rollout != null && rollout.running() && rollout.toGeneration() == s.generation();
    return rolling && s.workload() != null ? s.workload().rollingUpdate().maxSurge() : 0;
  }

  static List<ReplicaRecord> replicas(CacheSnapshot snap, EtcdStore store) {
    return snap.withPrefix(store.layout().replicasPrefix()).values().stream()
        .map(e -> store.decode(e, ReplicaRecord.class).value())
        .toList();
  }

  Optional<SchedulerService> service(String name) {
    return input.services().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  Optional<SchedulerNode> node(String id) {
    return input.nodes().stream().filter(n -> n.id().equals(id)).findFirst();
  }

  Optional<ReplicaRecord> replica(String id) {
    return input.replicas().stream().filter(r -> r.id().equals(id)).findFirst();
  }
}
