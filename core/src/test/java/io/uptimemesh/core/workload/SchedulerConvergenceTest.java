package io.uptimemesh.core.workload;

import static io.uptimemesh.core.workload.SimulatedCluster.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A property of the scheduler as a whole: on a randomly made and randomly disturbed cluster (nodes
 * going stale, coming back, revoked, removed, added, cordoned, drained, relabelled; services
 * scaled, re-selected, switched between hard and soft anti-affinity, deleted), applying its plans
 * round after round, with agents that report replicas running and, not at once, healthy, always
 * converges: every service has the replicas it asks for (or a note says why not), no replica is
 * where it may not be, hard anti-affinity holds, no host port is used twice, and a converged
 * cluster plans nothing. Every single action is also checked when it is applied ({@link
 * SimulatedCluster#apply}).
 */
class SchedulerConvergenceTest {
  private static final int SEEDS = 300;
  private static final int DISTURBANCES = 6;
  private static final int MAX_ROUNDS = 80;
  private static final long ROUND_MS = 25_000;
  private static final int MID_WAY_ROUNDS = 8;

  @Test
  void randomClustersConvergeAfterEveryDisturbance() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      try {
        runScenario(seed);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private static void runScenario(long seed) {
    Random random = new Random(seed);
    SimulatedCluster c = new SimulatedCluster();
    int nodeCount = 2 + random.nextInt(6);
    for (int i = 0; i < nodeCount; i++) {
      c.node(newNode(random, "n" + i));
    }
    int serviceCount = 1 + random.nextInt(4);
    for (int i = 0; i < serviceCount; i++) {
      c.service("s" + i, randomSpec(random));
    }
    converge(c, random);
    for (int d = 0; d < DISTURBANCES; d++) {
      int changes = 1 + random.nextInt(3);
      for (int k = 0; k < changes; k++) {
        disturb(c, random);
      }
      converge(c, random);
    }
  }

  /** Plans and applies until nothing is planned for long enough that stale nodes pass the grace. */
  private static void converge(SimulatedCluster c, Random random) {
    int quietRounds = 0;
    SchedulerPlan plan = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (round < MID_WAY_ROUNDS && random.nextInt(4) == 0) {
        // The cluster also changes while replicas are still moving (replacements not yet serving).
        disturb(c, random);
        quietRounds = 0;
      }
      sweepStaleNodes(c);
      plan = c.plan();
      c.apply(plan);
      c.agentsReport(r -> random.nextInt(3) > 0);
      c.nowMs += ROUND_MS;
      boolean settled = plan.noActions() && allServing(c);
      quietRounds = settled ? quietRounds + 1 : 0;
      if (quietRounds * ROUND_MS > c.graceMs + ROUND_MS) {
        assertConverged(c, plan);
        return;
      }
    }
    fail("no convergence after " + MAX_ROUNDS + " rounds; last plan: " + plan);
  }

  /** The leader's stale sweep records when it first saw a node without a lease. */
  private static void sweepStaleNodes(SimulatedCluster c) {
    for (SchedulerNode n : List.copyOf(c.nodes.values())) {
      if (!n.alive() && n.staleSinceMs() == null) {
        c.update(n.id(), x -> SimulatedCluster.stale(x, c.nowMs));
      }
    }
  }

  private static boolean allServing(SimulatedCluster c) {
    for (ReplicaRecord r : c.replicas.values()) {
      SchedulerNode node = c.nodes.get(r.nodeId());
      if (node != null && node.alive() && !node.revoked() && !c.healthy.containsKey(r.id())) {
        return false;
      }
    }
    return true;
  }

  private static void assertConverged(SimulatedCluster c, SchedulerPlan last) {
    assertThat(SchedulerPlan.plan(c.input(), ReplicaIdSource.seeded(1)).actions())
        .as("a converged cluster plans nothing")
        .isEmpty();
    for (ReplicaRecord r : c.replicas.values()) {
      SchedulerService service = c.services.get(r.service());
      assertThat(service).as("%s belongs to a service", r.id()).isNotNull();
      assertThat(service.workload()).as("%s's service has a workload", r.id()).isNotNull();
      SchedulerNode node = c.nodes.get(r.nodeId());
      assertThat(node).as("%s is on a node that exists", r.id()).isNotNull();
      assertThat(node.revoked()).as("%s is on a node not revoked", r.id()).isFalse();
      assertThat(r.replaces() == null || !c.replicas.containsKey(r.replaces()))
          .as("%s: every move is complete", r.id())
          .isTrue();
    }
    for (SchedulerNode node : c.nodes.values()) {
      List<Integer> ports = new ArrayList<>();
      c.replicas.values().stream()
          .filter(r -> r.nodeId().equals(node.id()))
          .forEach(r -> ports.addAll(r.hostPorts().values()));
      assertThat(ports).as("host ports on %s", node.id()).doesNotHaveDuplicates();
    }
    for (SchedulerService service : c.services.values()) {
      WorkloadSpec spec = service.workload();
      if (spec == null) {
        continue;
      }
      List<ReplicaRecord> mine = c.replicasOf(service.name());
      boolean noted = last.notes().stream().anyMatch(n -> n.service().equals(service.name()));
      String what = service.name() + " " + spec + " on " + c.nodes.values() + ": " + mine;
      assertThat(mine.size()).as(what).isLessThanOrEqualTo(spec.replicas());
      Set<String> used = new HashSet<>();
      mine.forEach(r -> used.add(r.nodeId()));
      long freeEligible =
          c.nodes.values().stream()
              .filter(n -> n.eligibleFor(spec))
              .filter(n -> spec.mayShareNodes() || !used.contains(n.id()))
              .count();
      if (mine.size() < spec.replicas()) {
        assertThat(freeEligible).as("too few replicas with a node free: %s", what).isZero();
        assertThat(noted).as("a shortfall is noted: %s", what).isTrue();
      }
      if (!spec.mayShareNodes() && used.size() < mine.size()) {
        assertThat(freeEligible).as("sharing with a node free: %s", what).isZero();
        assertThat(noted).as("hard anti-affinity broken without a note: %s", what).isTrue();
      }
      for (ReplicaRecord r : mine) {
        SchedulerNode node = c.nodes.get(r.nodeId());
        if (node.evacuationReason(spec, c.nowMs, c.graceMs).isPresent()) {
          assertThat(freeEligible).as("%s stays with a node free: %s", r.id(), what).isZero();
          assertThat(noted).as("%s stays on %s without a note: %s", r.id(), node, what).isTrue();
        }
      }
    }
  }

  private static SchedulerNode newNode(Random random, String id) {
    String role = random.nextInt(5) == 0 ? "gateway" : "worker";
    return new SchedulerNode(id, role, randomLabels(random), true, false, null, null, "10.42.0.2");
  }

  private static Map<String, String> randomLabels(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> Map.of();
      case 1 -> Map.of("zone", "a");
      default -> Map.of("zone", "b");
    };
  }

  private static WorkloadSpec randomSpec(Random random) {
    StringBuilder more = new StringBuilder();
    more.append("'anti_affinity':'").append(random.nextBoolean() ? "hard" : "soft").append("'");
    switch (random.nextInt(4)) {
      case 0 -> more.append(",'node_selector':{'labels':{'zone':'a'}}");
      case 1 -> more.append(",'node_selector':{'roles':['worker','gateway']}");
      default -> {}
    }
    switch (random.nextInt(3)) {
      case 0 -> more.append(",'ports':[{'name':'http','port':80}]");
      case 1 ->
          more.append(
              ",'ports':[{'name':'http','port':80},{'name':'dns','port':81,'protocol':'udp'}]");
      default -> {}
    }
    return spec(random.nextInt(6), more.toString());
  }

  private static void disturb(SimulatedCluster c, Random random) {
    List<String> nodeIds = List.copyOf(c.nodes.keySet());
    String node = nodeIds.isEmpty() ? null : nodeIds.get(random.nextInt(nodeIds.size()));
    List<String> serviceIds = List.copyOf(c.services.keySet());
    String service = serviceIds.get(random.nextInt(serviceIds.size()));
    int what = random.nextInt(14);
    if (node == null && what < 8) {
      what = 8;
    }
    switch (what) {
      case 0, 1 -> c.update(node, n -> n.alive() ? SimulatedCluster.stale(n, null) : n);
      case 2 -> c.update(node, SimulatedCluster::back);
      case 3 -> c.update(node, SimulatedCluster::revoked);
      case 4 -> c.nodes.remove(node);
      case 5 -> c.update(node, n -> SimulatedCluster.scheduling(n, false, true));
      case 6 -> c.update(node, n -> SimulatedCluster.scheduling(n, random.nextBoolean(), false));
      case 7 -> c.update(node, n -> SimulatedCluster.labelled(n, randomLabels(random)));
      case 8 -> c.node(newNode(random, "n" + (100 + random.nextInt(900))));
      case 9, 10 -> c.service(service, randomSpec(random));
      case 11 -> c.services.remove(service);
      case 12 -> c.services.put(service, new SchedulerService(service, 99, null));
      default -> c.service("s" + (10 + random.nextInt(90)), randomSpec(random));
    }
    if (c.services.isEmpty()) {
      c.service("s0", randomSpec(random));
    }
  }
}
