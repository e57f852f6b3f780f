package io.uptimemesh.core.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The rules of {@link SchedulerPlan} for one service with a workload, in their order. */
final class ServiceScheduler {
  private final PlanState state;
  private final SchedulerService service;
  private final WorkloadSpec spec;

  /**
   * A replica and the replicas that replace it, oldest first: {@code chain.get(0)} is what the
   * service counts as one replica until a later member serves.
   */
  private record Unit(List<ReplicaRecord> chain) {
    ReplicaRecord root() {
      return chain.get(0);
    }
  }

  ServiceScheduler(PlanState state, SchedulerService service) {
    this.state = state;
    this.service = service;
    this.spec = service.workload();
  }

  void plan() {
    removeReplicasOnLostNodes();
    removeSecondReplacements();
    removeReplacementsThatMustMove();
    removeReplacementsOnAnotherGeneration();
    completeReplacements();
    scaleDown();
    replaceReplicasThatMustMove();
    scaleUp();
  }

  /** On a revoked or unknown node a replica serves nothing: no reason to wait for a replacement. */
  private void removeReplicasOnLostNodes() {
    for (ReplicaRecord r : state.replicasOf(service.name())) {
      SchedulerNode node = state.node(r.nodeId());
      if (node == null) {
        state.remove(r, "node " + r.nodeId() + " is gone");
      } else if (node.revoked()) {
        state.remove(r, "node " + r.nodeId() + " is revoked");
      }
    }
  }

  /** Never two replacements for one replica: keep the one closest to serving, then the oldest. */
  private void removeSecondReplacements() {
    Map<String, List<ReplicaRecord>> byReplaced = new TreeMap<>();
    for (ReplicaRecord r : state.replicasOf(service.name())) {
      if (replacesOwn(r)) {
        byReplaced.computeIfAbsent(r.replaces(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<String, List<ReplicaRecord>> e : byReplaced.entrySet()) {
      List<ReplicaRecord> replacements = new ArrayList<>(e.getValue());
      replacements.sort(
          Comparator.comparing((ReplicaRecord r) -> !state.serving(r, spec))
              .thenComparing(r -> !state.running(r))
              .thenComparingLong(ReplicaRecord::createdAtMs)
              .thenComparing(ReplicaRecord::id));
      ReplicaRecord kept = replacements.get(0);
      for (ReplicaRecord extra : replacements.subList(1, replacements.size())) {
        state.remove(
            extra,
            "a second replacement for " + e.getKey() + " (" + kept.id() + " replaces it already)");
      }
    }
  }

  /** A replacement that never served and whose own node must be left is dropped, not replaced. */
  private void removeReplacementsThatMustMove() {
    for (Unit unit : units()) {
      for (ReplicaRecord r : unit.chain().subList(1, unit.chain().size())) {
        Optional<String> why = nodeReason(r);
        if (why.isPresent() && !state.serving(r, spec)) {
          state.remove(
              r, "replacement for " + r.replaces() + " never served and " + why.orElseThrow());
        }
      }
    }
  }

  /**
   * A replacement that does not serve and runs a newer generation than new replicas get is dropped
   * (and placed again at that generation by the rules after). Only a failed rollout makes new
   * replicas run an older generation than the service's: the replacement is on the failed one,
   * would never serve, and what it replaces could never move. (An older generation is left alone:
   * any spec change, a scale too, makes a new one, and the rollout updates it.)
   */
  private void removeReplacementsOnAnotherGeneration() {
    for (Unit unit : units()) {
      for (ReplicaRecord r : unit.chain().subList(1, unit.chain().size())) {
        if (r.generation() > service.generation() && !state.serving(r, spec)) {
          state.remove(
              r,
              "replacement for "
                  + r.replaces()
                  + " does not serve and runs generation "
                  + r.generation()
                  + ", new replicas run "
                  + service.generation());
        }
      }
    }
  }

  /** Make-before-break: once a replacement serves, what it replaces goes. */
  private void completeReplacements() {
    for (Unit unit : units()) {
      List<ReplicaRecord> chain = unit.chain();
      for (int k = chain.size() - 1; k >= 1; k--) {
        ReplicaRecord replacement = chain.get(k);
        if (state.serving(replacement, spec)) {
          for (ReplicaRecord old : chain.subList(0, k)) {
            state.remove(old, "replaced by " + replacement.id() + ", which is running and healthy");
          }
          break;
        }
      }
    }
  }

  /** Down to {@code replicas + surge}: after a rollout, its surge replicas are the surplus. */
  private void scaleDown() {
    List<Unit> units = units();
    int wanted = service.targetReplicas();
    while (units.size() > wanted) {
      Map<String, String> moving = mustMove(units);
      Unit victim =
          units.stream()
              .min(
                  Comparator.comparing((Unit u) -> u.chain().stream().anyMatch(this::serving))
                      // On a failed rollout's generation (newer than new replicas get): a surge
                      // replica that never served, not one being set back to the old one.
                      .thenComparing(u -> u.root().generation() <= service.generation())
                      .thenComparing(u -> !moving.containsKey(u.root().id()))
                      .thenComparing(u -> -state.countOn(u.root().nodeId(), service.name()))
                      .thenComparing(u -> -state.totalOn(u.root().nodeId()))
                      .thenComparing(u -> u.root().id()))
              .orElseThrow();
      String reason =
          "scale down: "
              + units.size()
              + " replicas, "
              + wanted
              + " wanted"
              + (wanted == spec.replicas() ? "" : " (" + service.surge() + " surge)");
      for (int i = victim.chain().size() - 1; i >= 0; i--) {
        state.remove(victim.chain().get(i), reason);
      }
      units = units();
    }
  }

  private void replaceReplicasThatMustMove() {
    List<Unit> units = units();
    Map<String, String> moving = mustMove(units);
    for (Unit unit : units) {
      String why = moving.get(unit.root().id());
      if (why == null || unit.chain().size() > 1) {
        continue;
      }
      ReplicaRecord old = unit.root();
      Optional<SchedulerNode> target = chooseNode();
      if (target.isEmpty()) {
        state.note(
            service.name(), "cannot move " + old.id() + " (" + why + "): " + noNodeExplanation());
        continue;
      }
      state.place(
          service,
          target.get().id(),
          state.freeHostPorts(target.get().id(), spec.ports()),
          old.id(),
          "replaces " + old.id() + ": " + why);
    }
  }

  /** Up to {@code replicas + surge}: during a rollout the surge replicas run the new generation. */
  private void scaleUp() {
    int wanted = service.targetReplicas();
    int have = units().size();
    for (int n = have; n < wanted; n++) {
      Optional<SchedulerNode> target = chooseNode();
      if (target.isEmpty()) {
        state.note(
            service.name(),
            "only " + n + " of " + wanted + " replicas can be placed: " + noNodeExplanation());
        return;
      }
      state.place(
          service,
          target.get().id(),
          state.freeHostPorts(target.get().id(), spec.ports()),
          null,
          (n < spec.replicas()
              ? "scale up: replica " + (n + 1) + " of " + wanted
              : "surge: replica " + (n + 1) + " of " + wanted + " during the rollout"));
    }
  }

  /**
   * The eligible node for one more replica: fewest replicas of this service, then fewest in total,
   * then node id; under hard anti-affinity only nodes without one; only nodes with free host ports.
   */
  private Optional<SchedulerNode> chooseNode() {
    // One pass, no sort: a plan may place hundreds of replicas over a thousand nodes.
    Comparator<SchedulerNode> order =
        Comparator.comparingInt((SchedulerNode n) -> state.countOn(n.id(), service.name()))
            .thenComparingInt(n -> state.totalOn(n.id()))
            .thenComparing(SchedulerNode::id);
    SchedulerNode best = null;
    for (SchedulerNode node : state.nodes()) {
      if (node.eligibleFor(spec)
          && (spec.mayShareNodes() || state.countOn(node.id(), service.name()) == 0)
          && (best == null || order.compare(node, best) < 0)
          && state.freeHostPorts(node.id(), spec.ports()) != null) {
        best = node;
      }
    }
    return Optional.ofNullable(best);
  }

  private String noNodeExplanation() {
    long eligible = 0;
    for (SchedulerNode node : state.nodes()) {
      if (node.eligibleFor(spec)) {
        eligible++;
      }
    }
    if (eligible == 0) {
      return "no eligible node (alive, not revoked, cordoned or draining, selector matching)";
    }
    return spec.mayShareNodes()
        ? "no free host ports on the " + eligible + " eligible nodes"
        : "hard anti-affinity allows one replica per node and every one of the "
            + eligible
            + " eligible nodes holds one";
  }

  /**
   * Root id → why it must move, for the units whose only member must leave its node: the node is
   * stale beyond the grace, draining or no longer selected, or (hard anti-affinity) another replica
   * of the service is on the same node; of those sharing, the one serving (then the lowest id)
   * stays.
   */
  private Map<String, String> mustMove(List<Unit> units) {
    Map<String, String> out = new HashMap<>();
    Map<String, List<ReplicaRecord>> sharing = new TreeMap<>();
    for (Unit unit : units) {
      ReplicaRecord root = unit.root();
      Optional<String> why = nodeReason(root);
      if (why.isPresent()) {
        out.put(root.id(), why.get());
      } else if (!spec.mayShareNodes()) {
        sharing.computeIfAbsent(root.nodeId(), k -> new ArrayList<>()).add(root);
      }
    }
    for (List<ReplicaRecord> onNode : sharing.values()) {
      onNode.sort(
          Comparator.comparing((ReplicaRecord r) -> !serving(r)).thenComparing(ReplicaRecord::id));
      for (ReplicaRecord r : onNode.subList(1, onNode.size())) {
        out.put(
            r.id(),
            "shares node " + r.nodeId() + " with " + onNode.get(0).id() + " (hard anti-affinity)");
      }
    }
    return out;
  }

  private Optional<String> nodeReason(ReplicaRecord r) {
    return state.node(r.nodeId()).evacuationReason(spec, state.nowMs(), state.graceMs());
  }

  private boolean serving(ReplicaRecord r) {
    return state.serving(r, spec);
  }

  /** True if r names a replica of this service (other than itself) as the one it replaces. */
  private boolean replacesOwn(ReplicaRecord r) {
    ReplicaRecord replaced = r.replaces() == null ? null : state.replica(r.replaces());
    return replaced != null
        && !replaced.id().equals(r.id())
        && replaced.service().equals(r.service());
  }

  /**
   * The service's replicas grouped into units: each replica that replaces none of the others starts
   * one, followed by its replacement, that one's replacement, and so on. A cycle of replacements
   * (only a bug could write one) is cut at its lowest id.
   */
  private List<Unit> units() {
    List<ReplicaRecord> mine = state.replicasOf(service.name());
    Map<String, ReplicaRecord> successor = new HashMap<>();
    Set<String> replacing = new HashSet<>();
    for (ReplicaRecord r : mine) {
      if (replacesOwn(r)) {
        successor.putIfAbsent(r.replaces(), r);
        replacing.add(r.id());
      }
    }
    List<Unit> units = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (boolean cycles : new boolean[] {false, true}) {
      for (ReplicaRecord r : mine) {
        if (seen.contains(r.id()) || (!cycles && replacing.contains(r.id()))) {
          continue;
        }
        List<ReplicaRecord> chain = new ArrayList<>();
        for (ReplicaRecord x = r; x != null && seen.add(x.id()); x = successor.get(x.id())) {
          chain.add(x);
        }
        units.add(new Unit(List.copyOf(chain)));
      }
    }
    return units;
  }
}
