package io.uptimemesh.core.workload;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster as it will be after the actions planned so far: each planned action is applied to it
 * at once, so later decisions (loads, free host ports, anti-affinity) see the earlier ones and the
 * plan is valid when applied in order.
 */
final class PlanState {
  /** Tries before giving up on a free replica id (2^20 per service: a clash is already rare). */
  private static final int ID_ATTEMPTS = 10_000;

  private final SchedulerInput input;
  private final ReplicaIdSource ids;
  private final Map<String, SchedulerNode> nodes = new TreeMap<>();
  private final Map<String, ReplicaRecord> replicas = new TreeMap<>();
  private final Map<String, Integer> totalOnNode = new HashMap<>();
  private final Map<String, Map<String, Integer>> serviceOnNode = new HashMap<>();
  private final Map<String, Map<Integer, Integer>> portsOnNode = new HashMap<>();
  private final Set<String> takenIds = new HashSet<>();
  private final List<SchedulerAction> actions = new ArrayList<>();
  private final Map<SchedulerPlan.Note, Boolean> notes = new LinkedHashMap<>();

  PlanState(SchedulerInput input, ReplicaIdSource ids) {
    this.input = input;
    this.ids = ids;
    input.nodes().forEach(n -> nodes.put(n.id(), n));
    input.replicas().forEach(this::add);
  }

  long nowMs() {
    return input.nowMs();
  }

  long graceMs() {
    return input.rescheduleGraceMs();
  }

  List<SchedulerAction> actions() {
    return actions;
  }

  List<SchedulerPlan.Note> notes() {
    return List.copyOf(notes.keySet());
  }

  void note(String service, String message) {
    notes.put(new SchedulerPlan.Note(service, message), Boolean.TRUE);
  }

  /** Nodes in id order. */
  Iterable<SchedulerNode> nodes() {
    return nodes.values();
  }

  /** The node, or null when it is gone. */
  SchedulerNode node(String id) {
    return nodes.get(id);
  }

  /** The replica as planned so far, or null (never existed, or removed by this plan). */
  ReplicaRecord replica(String replicaId) {
    return replicas.get(replicaId);
  }

  /** Every replica, in id order (a copy: safe to remove while iterating). */
  List<ReplicaRecord> allReplicas() {
    return List.copyOf(replicas.values());
  }

  /** The service's replicas, in id order. */
  List<ReplicaRecord> replicasOf(String service) {
    return replicas.values().stream().filter(r -> r.service().equals(service)).toList();
  }

  int countOn(String nodeId, String service) {
    return serviceOnNode.getOrDefault(nodeId, Map.of()).getOrDefault(service, 0);
  }

  int totalOn(String nodeId) {
    return totalOnNode.getOrDefault(nodeId, 0);
  }

  /** Its node's agent reports it running, and the node is alive (a report outlives nothing). */
  boolean running(ReplicaRecord r) {
    SchedulerNode node = nodes.get(r.nodeId());
    ReplicaStatus status = input.statuses().get(r.id());
    return node != null && node.alive() && !node.revoked() && status != null && status.running();
  }

  /** Running and, if the service has a health check, its endpoints healthy. */
  boolean serving(ReplicaRecord r, WorkloadSpec spec) {
    return running(r)
        && (spec.health() == null || Boolean.TRUE.equals(input.healthy().get(r.id())));
  }

  void remove(ReplicaRecord r, String reason) {
    if (replicas.remove(r.id()) == null) {
      throw new IllegalStateException("replica " + r.id() + " removed twice in one plan");
    }
    totalOnNode.merge(r.nodeId(), -1, Integer::sum);
    serviceOnNode.get(r.nodeId()).merge(r.service(), -1, Integer::sum);
    Map<Integer, Integer> ports = portsOnNode.get(r.nodeId());
    r.hostPorts().values().forEach(p -> ports.merge(p, -1, Integer::sum));
    actions.add(new SchedulerAction.Remove(r.id(), r.service(), r.nodeId(), reason));
  }

  SchedulerAction.Place place(
      SchedulerService service,
      String nodeId,
      Map<String, Integer> hostPorts,
      String replaces,
      String reason) {
    SchedulerAction.Place place =
        new SchedulerAction.Place(
            newId(service.name()),
            service.name(),
            nodeId,
            service.generation(),
            hostPorts,
            replaces,
            reason);
    add(place.record(input.nowMs()));
    actions.add(place);
    return place;
  }

  /**
   * Host ports for a new replica on a node: each container port, or the next one up not used by any
   * replica on that node (of any service: they all listen on the node's one mesh address).
   *
   * @return port name → host port, or null when the node has no free port left
   */
  Map<String, Integer> freeHostPorts(String nodeId, List<WorkloadSpec.PortSpec> ports) {
    Map<Integer, Integer> used = portsOnNode.getOrDefault(nodeId, Map.of());
    return HostPorts.free(p -> used.getOrDefault(p, 0) > 0, ports);
  }

  private void add(ReplicaRecord r) {
    replicas.put(r.id(), r);
    takenIds.add(r.id());
    totalOnNode.merge(r.nodeId(), 1, Integer::sum);
    serviceOnNode
        .computeIfAbsent(r.nodeId(), k -> new HashMap<>())
        .merge(r.service(), 1, Integer::sum);
    Map<Integer, Integer> ports = portsOnNode.computeIfAbsent(r.nodeId(), k -> new HashMap<>());
    r.hostPorts().values().forEach(p -> ports.merge(p, 1, Integer::sum));
  }

  /** A fresh id: not held by any replica, nor by one removed earlier in this plan. */
  private String newId(String service) {
    for (int i = 0; i < ID_ATTEMPTS; i++) {
      String id = ReplicaIdSource.id(service, ids.next());
      if (!takenIds.contains(id)) {
        return id;
      }
    }
    throw new UptimeMeshException(
        ErrorCode.INTERNAL, "no free replica id for service " + service + " after many draws");
  }
}
