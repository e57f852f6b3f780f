package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A cluster in memory for scheduler tests: the records the leader would read, a way to apply a plan
 * the way the leader job does (one action at a time, each checked against the state it meets, so an
 * invalid prefix fails the test), and agents that report their replicas.
 */
final class SimulatedCluster {
  private static final Pattern REPLICA_ID = Pattern.compile("[a-z0-9-]+-[0-9a-f]{5}");

  final Map<String, SchedulerNode> nodes = new TreeMap<>();
  final Map<String, SchedulerService> services = new TreeMap<>();
  final Map<String, ReplicaRecord> replicas = new TreeMap<>();
  final Map<String, ReplicaStatus> statuses = new HashMap<>();
  final Map<String, Boolean> healthy = new HashMap<>();
  long nowMs = 1_700_000_000_000L;
  long graceMs = 60_000;
  private int nextDraw;
  private final ReplicaIdSource ids = () -> nextDraw++;

  /** A spec from the API's JSON, with ' for ". */
  static WorkloadSpec spec(String json) {
    try {
      JsonNode node = Json.mapper().readTree(json.replace('\'', '"'));
      return WorkloadSpec.parse(node);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** An image, {@code replicas} and whatever else is given (JSON members, may be empty). */
  static WorkloadSpec spec(int replicas, String more) {
    return spec(
        "{'image':'busybox','replicas':" + replicas + (more.isEmpty() ? "" : "," + more) + "}");
  }

  static SchedulerNode worker(String id) {
    return new SchedulerNode(id, "worker", Map.of(), true, false, null, null, "10.42.0.1");
  }

  SimulatedCluster node(SchedulerNode node) {
    nodes.put(node.id(), node);
    return this;
  }

  SimulatedCluster workers(String... ids) {
    for (String id : ids) {
      node(worker(id));
    }
    return this;
  }

  SimulatedCluster service(String name, WorkloadSpec spec) {
    SchedulerService old = services.get(name);
    services.put(name, new SchedulerService(name, old == null ? 1 : old.generation() + 1, spec));
    return this;
  }

  /** The scheduler's surge for a service: {@code max_surge} while a rollout runs, else 0. */
  SimulatedCluster surge(String name, int surge) {
    SchedulerService s = services.get(name);
    services.put(name, new SchedulerService(name, s.generation(), s.workload(), surge));
    return this;
  }

  /** A replica of a service on a node, host ports = container ports, nothing reported yet. */
  SimulatedCluster replica(String id, String service, String node) {
    return replica(id, service, node, null);
  }

  SimulatedCluster replica(String id, String service, String node, String replaces) {
    Map<String, Integer> ports = new TreeMap<>();
    WorkloadSpec spec = services.get(service) == null ? null : services.get(service).workload();
    if (spec != null) {
      spec.ports().forEach(p -> ports.put(p.name(), p.port()));
    }
    replicas.put(
        id, new ReplicaRecord(ReplicaRecord.SCHEMA, id, service, node, 1, ports, replaces, nowMs));
    return this;
  }

  /** The replica's agent reports it running, and its endpoints are healthy. */
  SimulatedCluster serving(String... ids) {
    for (String id : ids) {
      running(id);
      healthy.put(id, true);
    }
    return this;
  }

  SimulatedCluster running(String id) {
    ReplicaRecord r = replicas.get(id);
    statuses.put(
        id,
        new ReplicaStatus(
            ReplicaStatus.SCHEMA, id, r.nodeId(), "running", r.generation(), List.of(), "", nowMs));
    return this;
  }

  SimulatedCluster update(String nodeId, java.util.function.UnaryOperator<SchedulerNode> change) {
    nodes.put(nodeId, change.apply(nodes.get(nodeId)));
    return this;
  }

  static SchedulerNode stale(SchedulerNode n, Long sinceMs) {
    return new SchedulerNode(
        n.id(), n.role(), n.labels(), false, n.revoked(), sinceMs, n.scheduling(), n.meshIp());
  }

  static SchedulerNode back(SchedulerNode n) {
    return new SchedulerNode(
        n.id(), n.role(), n.labels(), true, n.revoked(), null, n.scheduling(), n.meshIp());
  }

  static SchedulerNode revoked(SchedulerNode n) {
    return new SchedulerNode(
        n.id(),
        n.role(),
        n.labels(),
        n.alive(),
        true,
        n.staleSinceMs(),
        n.scheduling(),
        n.meshIp());
  }

  static SchedulerNode scheduling(SchedulerNode n, boolean cordoned, boolean draining) {
    NodeScheduling s =
        cordoned || draining
            ? new NodeScheduling(NodeScheduling.SCHEMA, n.id(), cordoned, draining, 1, "user:admin")
            : null;
    return new SchedulerNode(
        n.id(), n.role(), n.labels(), n.alive(), n.revoked(), n.staleSinceMs(), s, n.meshIp());
  }

  static SchedulerNode labelled(SchedulerNode n, Map<String, String> labels) {
    return new SchedulerNode(
        n.id(),
        n.role(),
        labels,
        n.alive(),
        n.revoked(),
        n.staleSinceMs(),
        n.scheduling(),
        n.meshIp());
  }

  SchedulerInput input() {
    return new SchedulerInput(
        List.copyOf(services.values()),
        List.copyOf(nodes.values()),
        List.copyOf(replicas.values()),
        statuses,
        healthy,
        nowMs,
        graceMs);
  }

  SchedulerPlan plan() {
    return SchedulerPlan.plan(input(), ids);
  }

  /** Applies a plan action by action, checking each against the state it meets. */
  void apply(SchedulerPlan plan) {
    for (SchedulerAction action : plan.actions()) {
      apply(action);
    }
  }

  void apply(SchedulerAction action) {
    if (action instanceof SchedulerAction.Remove remove) {
      assertThat(replicas)
          .as("%s: the replica exists", action.describe())
          .containsKey(remove.replicaId());
      assertMakeBeforeBreak(replicas.get(remove.replicaId()), action.describe());
      replicas.remove(remove.replicaId());
      statuses.remove(remove.replicaId());
      healthy.remove(remove.replicaId());
      return;
    }
    SchedulerAction.Place place = (SchedulerAction.Place) action;
    String what = place.describe();
    assertThat(place.replicaId()).as(what).matches(REPLICA_ID).startsWith(place.service() + "-");
    assertThat(replicas).as("%s: a new id", what).doesNotContainKey(place.replicaId());
    SchedulerService service = services.get(place.service());
    assertThat(service).as("%s: the service exists", what).isNotNull();
    WorkloadSpec spec = service.workload();
    assertThat(spec).as("%s: the service has a workload", what).isNotNull();
    assertThat(place.generation()).as(what).isEqualTo(service.generation());
    SchedulerNode node = nodes.get(place.nodeId());
    assertThat(node).as("%s: the node exists", what).isNotNull();
    assertThat(node.eligibleFor(spec)).as("%s: the node is eligible", what).isTrue();
    if (!spec.mayShareNodes()) {
      assertThat(replicasOn(place.nodeId(), place.service()))
          .as("%s: hard anti-affinity", what)
          .isEmpty();
    }
    if (place.replaces() != null) {
      ReplicaRecord replaced = replicas.get(place.replaces());
      assertThat(replaced).as("%s: what it replaces exists", what).isNotNull();
      assertThat(replaced.service()).as(what).isEqualTo(place.service());
      assertThat(replicas.values())
          .as("%s: never two replacements for one replica", what)
          .noneMatch(r -> place.replaces().equals(r.replaces()));
    }
    Set<String> names = new HashSet<>();
    spec.ports().forEach(p -> names.add(p.name()));
    assertThat(place.hostPorts().keySet()).as(what).isEqualTo(names);
    Set<Integer> used = usedHostPorts(place.nodeId());
    assertThat(place.hostPorts().values())
        .as("%s: host ports free on the node", what)
        .doesNotHaveDuplicates()
        .noneMatch(used::contains);
    replicas.put(place.replicaId(), place.record(nowMs));
  }

  /**
   * A replica being replaced goes only once its replacement serves, or at once when it serves
   * nothing anyway (node revoked or gone) or its service no longer runs anything. (A scale-down
   * removes the replacement first, so by then the replica is no longer being replaced.)
   */
  private void assertMakeBeforeBreak(ReplicaRecord old, String what) {
    SchedulerNode node = nodes.get(old.nodeId());
    SchedulerService service = services.get(old.service());
    if (node == null || node.revoked() || service == null || service.workload() == null) {
      return;
    }
    for (ReplicaRecord r : replicas.values()) {
      if (old.id().equals(r.replaces())) {
        SchedulerNode at = nodes.get(r.nodeId());
        boolean serving =
            at != null
                && at.alive()
                && statuses.containsKey(r.id())
                && statuses.get(r.id()).running()
                && (service.workload().health() == null
                    || Boolean.TRUE.equals(healthy.get(r.id())));
        assertThat(serving).as("%s: make-before-break, %s must serve first", what, r.id()).isTrue();
      }
    }
  }

  List<ReplicaRecord> replicasOn(String nodeId, String service) {
    return replicas.values().stream()
        .filter(r -> r.nodeId().equals(nodeId) && r.service().equals(service))
        .toList();
  }

  List<ReplicaRecord> replicasOf(String service) {
    return replicas.values().stream().filter(r -> r.service().equals(service)).toList();
  }

  Set<Integer> usedHostPorts(String nodeId) {
    Set<Integer> used = new HashSet<>();
    for (ReplicaRecord r : replicas.values()) {
      if (r.nodeId().equals(nodeId)) {
        used.addAll(r.hostPorts().values());
      }
    }
    return used;
  }

  /**
   * What agents and the lease do between two plans: reports of a node that is not alive expire with
   * its lease; an alive node's agent reports its replicas running, each becoming healthy when
   * {@code becomesHealthy} says so (a replica once healthy stays healthy).
   */
  void agentsReport(java.util.function.Predicate<ReplicaRecord> becomesHealthy) {
    List<String> ids = new ArrayList<>(replicas.keySet());
    for (String id : ids) {
      ReplicaRecord r = replicas.get(id);
      SchedulerNode node = nodes.get(r.nodeId());
      if (node == null || !node.alive() || node.revoked()) {
        statuses.remove(id);
        healthy.remove(id);
      } else {
        running(id);
        if (Boolean.TRUE.equals(healthy.get(id)) || becomesHealthy.test(r)) {
          healthy.put(id, true);
        }
      }
    }
  }
}
