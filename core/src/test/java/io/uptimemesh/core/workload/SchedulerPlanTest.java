package io.uptimemesh.core.workload;

import static io.uptimemesh.core.workload.SimulatedCluster.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's rules one at a time, on small hand-made clusters. */
class SchedulerPlanTest {
  private static final String HTTP = "'ports':[{'name':'http','port':80}]";

  private final SimulatedCluster c = new SimulatedCluster();

  private static SchedulerAction.Remove remove(String id, String service, String node, String why) {
    return new SchedulerAction.Remove(id, service, node, why);
  }

  private static List<String> describe(SchedulerPlan plan) {
    return plan.actions().stream().map(SchedulerAction::describe).toList();
  }

  private static List<String> targets(SchedulerPlan plan) {
    return plan.actions().stream()
        .map(a -> (a instanceof SchedulerAction.Place ? "+" : "-") + a.nodeId())
        .toList();
  }

  // ---- placement ----

  @Test
  void scaleUpPlacesOnlyOnEligibleNodesFewestReplicasFirstThenNodeId() {
    c.workers("a", "b", "c", "d", "h", "s", "r")
        .node(new SchedulerNode("core1", "core", Map.of(), true, false, null, null, "10.42.0.9"))
        .update("d", n -> SimulatedCluster.scheduling(n, true, false))
        .update("h", n -> SimulatedCluster.scheduling(n, false, true))
        .update("s", n -> SimulatedCluster.stale(n, c.nowMs))
        .update("r", SimulatedCluster::revoked)
        .service("db", spec(1, ""))
        .replica("db-11111", "db", "a")
        .serving("db-11111")
        .service("web", spec(2, HTTP));

    SchedulerPlan plan = c.plan();

    // a already runs a replica (of db): b and c are less loaded.
    assertThat(plan.actions())
        .containsExactly(
            new SchedulerAction.Place(
                "web-00000", "web", "b", 1, Map.of("http", 80), null, "scale up: replica 1 of 2"),
            new SchedulerAction.Place(
                "web-00001", "web", "c", 1, Map.of("http", 80), null, "scale up: replica 2 of 2"));
    assertThat(plan.notes()).isEmpty();
    c.apply(plan);
  }

  @Test
  void theSelectorsLabelsMustAllMatchAndItsRolesOneOf() {
    c.node(SimulatedCluster.labelled(SimulatedCluster.worker("a"), Map.of("zone", "x")))
        .node(
            SimulatedCluster.labelled(
                SimulatedCluster.worker("b"), Map.of("zone", "x", "disk", "ssd")))
        .node(
            new SchedulerNode(
                "g", "gateway", Map.of("zone", "x", "disk", "ssd"), true, false, null, null, "ip"))
        .node(
            new SchedulerNode(
                "k", "core", Map.of("zone", "x", "disk", "ssd"), true, false, null, null, "ip"))
        .service(
            "web",
            spec(
                5,
                "'node_selector':{'labels':{'zone':'x','disk':'ssd'},"
                    + "'roles':['worker','gateway']}"));

    SchedulerPlan plan = c.plan();

    assertThat(targets(plan)).containsExactly("+b", "+g");
    assertThat(plan.notes())
        .containsExactly(
            new SchedulerPlan.Note(
                "web",
                "only 2 of 5 replicas can be placed: hard anti-affinity allows one replica per"
                    + " node and every one of the 2 eligible nodes holds one"));
  }

  @Test
  void withNoEligibleNodeNothingIsPlacedAndTheNoteSaysWhy() {
    c.workers("a").update("a", n -> SimulatedCluster.scheduling(n, true, false));
    c.service("web", spec(2, "'anti_affinity':'soft'"));

    SchedulerPlan plan = c.plan();

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.notes())
        .singleElement()
        .extracting(SchedulerPlan.Note::message)
        .asString()
        .startsWith("only 0 of 2 replicas can be placed: no eligible node");
  }

  @Test
  void softAntiAffinitySpreadsThenSharesWithTheNextFreeHostPorts() {
    c.workers("a", "b")
        .service("db", spec(1, "'ports':[{'name':'pg','port':81}]"))
        .replica("db-11111", "db", "b")
        .serving("db-11111")
        .service(
            "web",
            spec(
                4,
                "'anti_affinity':'soft','ports':[{'name':'http','port':80},"
                    + "{'name':'admin','port':81}]"));

    SchedulerPlan plan = c.plan();

    assertThat(plan.actions())
        .extracting(
            a ->
                a.nodeId() + " " + new java.util.TreeMap<>(((SchedulerAction.Place) a).hostPorts()))
        .containsExactly(
            "a {admin=81, http=80}",
            // b's 81 is db's; 82 is the next port nobody uses there.
            "b {admin=82, http=80}",
            "a {admin=83, http=82}",
            "b {admin=84, http=83}");
    c.apply(plan);
    assertThat(c.plan().actions()).isEmpty();
  }

  @Test
  void hardAntiAffinityAlsoAvoidsAnotherServicesHostPort() {
    c.workers("a")
        .service("db", spec(1, "'ports':[{'name':'pg','port':80}]"))
        .replica("db-11111", "db", "a")
        .service("web", spec(1, HTTP));

    assertThat(((SchedulerAction.Place) c.plan().actions().get(0)).hostPorts())
        .isEqualTo(Map.of("http", 81));
  }

  // ---- scale down and removal ----

  @Test
  void scaleDownRemovesNotRunningReplicasFirstThenThoseOnTheMostLoadedNodes() {
    c.workers("a", "b", "c")
        .service("web", spec(4, "'anti_affinity':'soft'"))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "a")
        .replica("web-00003", "web", "b")
        .replica("web-00004", "web", "c")
        .serving("web-00001", "web-00002", "web-00003")
        .service("web", spec(2, "'anti_affinity':'soft'"));

    SchedulerPlan plan = c.plan();

    // web-00004 has not reported running yet: it goes first; then one of the two on a.
    assertThat(plan.actions())
        .extracting(SchedulerAction::replicaId)
        .containsExactly("web-00004", "web-00001");
  }

  @Test
  void scaleDownPrefersReplicasThatDoNotServe() {
    c.workers("a", "b", "c")
        .service("web", spec(3, HTTP))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .replica("web-00003", "web", "c")
        .serving("web-00001", "web-00003")
        .running("web-00002")
        .service("web", spec(2, HTTP));

    assertThat(c.plan().actions())
        .containsExactly(remove("web-00002", "web", "b", "scale down: 3 replicas, 2 wanted"));
  }

  // ---- surge (a rollout running) ----

  private static final String SURGE_ONE = "'rolling_update':{'max_unavailable':0,'max_surge':1}";

  /** web on a, b, c serving at generation 1; generation 2 applied, its rollout running. */
  private void rolloutWithSurgeOnThreeOfFourNodes() {
    c.workers("a", "b", "c", "d")
        .service("web", spec(3, SURGE_ONE))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .replica("web-00003", "web", "c")
        .serving("web-00001", "web-00002", "web-00003")
        .service("web", spec(3, SURGE_ONE))
        .surge("web", 1);
  }

  @Test
  void aRunningRolloutsSurgeReplicaIsPlacedAtTheNewGeneration() {
    rolloutWithSurgeOnThreeOfFourNodes();

    SchedulerPlan plan = c.plan();

    assertThat(plan.actions())
        .containsExactly(
            new SchedulerAction.Place(
                "web-00000",
                "web",
                "d",
                2,
                Map.of(),
                null,
                "surge: replica 4 of 4 during the rollout"));
    c.apply(plan);
    assertThat(c.plan().actions()).as("4 replicas while the rollout runs").isEmpty();
  }

  @Test
  void afterTheRolloutTheSurplusGoesABrokenSurgeReplicaFirst() {
    rolloutWithSurgeOnThreeOfFourNodes();
    c.apply(c.plan());
    // web-00000 never ran (the rollout failed on it): surge 0 again.
    c.surge("web", 0);

    assertThat(c.plan().actions())
        .containsExactly(remove("web-00000", "web", "d", "scale down: 4 replicas, 3 wanted"));
  }

  @Test
  void afterAFailedRolloutTheSurgeReplicaGoesBeforeOneBeingSetBack() {
    rolloutWithSurgeOnThreeOfFourNodes();
    c.apply(c.plan()); // web-00000 on d at generation 2, never serving
    // The rollout failed: new replicas run 1 again, no surge; web-00001 is being set back.
    c.services.put("web", new SchedulerService("web", 1, c.services.get("web").workload()));
    c.statuses.remove("web-00001");
    // a is the more loaded node: without the generation rule web-00001 would go.
    c.service("db", spec(1, "")).replica("db-00009", "db", "a").serving("db-00009");

    assertThat(c.plan().actions())
        .containsExactly(remove("web-00000", "web", "d", "scale down: 4 replicas, 3 wanted"));
  }

  @Test
  void afterASucceededRolloutOneOfFourServingReplicasGoes() {
    rolloutWithSurgeOnThreeOfFourNodes();
    c.apply(c.plan());
    c.serving("web-00000");
    c.surge("web", 0);

    SchedulerPlan plan = c.plan();

    assertThat(plan.actions()).hasSize(1);
    assertThat(plan.actions().get(0)).isInstanceOf(SchedulerAction.Remove.class);
    c.apply(plan);
    assertThat(c.replicasOf("web")).hasSize(3);
  }

  @Test
  void aReplacementOnAnotherGenerationThatDoesNotServeIsDroppedAndPlacedAgain() {
    // After a failed rollout to 2, new replicas run 1: a replacement left on 2 would never serve.
    c.workers("a", "b", "c")
        .service("web", spec(1, ""))
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .serving("web-00001")
        .update("a", n -> SimulatedCluster.scheduling(n, false, true));
    c.replicas.put(
        "web-00002",
        new ReplicaRecord(
            ReplicaRecord.SCHEMA, "web-00002", "web", "b", 3, Map.of(), "web-00001", c.nowMs));

    assertThat(describe(c.plan()))
        .containsExactly(
            "remove web-00002 from b: replacement for web-00001 does not serve and runs"
                + " generation 3, new replicas run 2",
            "place web-00000 on b (generation 2, replacing web-00001): replaces web-00001: node a"
                + " is draining");
  }

  @Test
  void scaleDownOnEquallyServingReplicasTakesTheMostLoadedNode() {
    c.workers("a", "b")
        .service("db", spec(1, ""))
        .replica("db-00009", "db", "b")
        .serving("db-00009")
        .service("web", spec(2, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .serving("web-00001", "web-00002")
        .service("web", spec(1, ""));

    assertThat(targets(c.plan())).containsExactly("-b");
  }

  @Test
  void zeroReplicasMeansNone() {
    c.workers("a", "b")
        .service("web", spec(2, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .serving("web-00001", "web-00002")
        .service("web", spec(0, ""));

    SchedulerPlan plan = c.plan();
    assertThat(targets(plan)).containsExactlyInAnyOrder("-a", "-b");
    c.apply(plan);
    assertThat(c.replicas).isEmpty();
    assertThat(c.plan().actions()).isEmpty();
  }

  @Test
  void replicasOfDeletedOrWorkloadlessServicesAreRemoved() {
    c.workers("a")
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .replica("old-00001", "old", "a")
        .serving("web-00001", "old-00001");
    c.services.put("web", new SchedulerService("web", 2, null));

    assertThat(c.plan().actions())
        .containsExactly(
            remove("old-00001", "old", "a", "service old no longer exists"),
            remove("web-00001", "web", "a", "service web has no workload"));
  }

  @Test
  void aReplicaOnARevokedOrUnknownNodeIsRemovedAtOnceAndAnotherPlaced() {
    c.workers("a", "b", "c")
        .service("web", spec(2, ""))
        .replica("web-00011", "web", "a")
        .replica("web-00012", "web", "gone")
        .serving("web-00011")
        .update("a", SimulatedCluster::revoked);

    SchedulerPlan plan = c.plan();

    assertThat(describe(plan))
        .containsExactly(
            "remove web-00011 from a: node a is revoked",
            "remove web-00012 from gone: node gone is gone",
            "place web-00000 on b (generation 1): scale up: replica 1 of 2",
            "place web-00001 on c (generation 1): scale up: replica 2 of 2");
    c.apply(plan);
  }

  // ---- rescheduling: stale and draining nodes, make-before-break ----

  @Test
  void aNodeStaleForLessThanTheGraceKeepsItsReplicas() {
    c.workers("a", "b")
        .service("web", spec(1, HTTP))
        .replica("web-00001", "web", "a")
        .update("a", n -> SimulatedCluster.stale(n, c.nowMs - c.graceMs));

    assertThat(c.plan().actions()).isEmpty();
    // Not alive, but the sweep has not recorded since when: it has only just gone.
    c.update("a", n -> SimulatedCluster.stale(n, null));
    assertThat(c.plan().actions()).isEmpty();
  }

  @Test
  void aReplicaOfANodeStaleLongerThanTheGraceIsReplacedAndRemovedOnceTheReplacementServes() {
    c.workers("a", "b", "c")
        .service("web", spec(2, HTTP))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .serving("web-00002")
        .update("a", n -> SimulatedCluster.stale(n, c.nowMs - c.graceMs - 5_000));

    SchedulerPlan plan = c.plan();
    assertThat(describe(plan))
        .containsExactly(
            "place web-00000 on c (generation 1, ports http=80, replacing web-00001): replaces"
                + " web-00001: node a stale longer than the grace of 60 s");
    c.apply(plan);

    // Placed, not yet running; then running but not healthy: the old record stays.
    assertThat(c.plan().actions()).isEmpty();
    c.running("web-00000");
    assertThat(c.plan().actions()).isEmpty();
    c.healthy.put("web-00000", false);
    assertThat(c.plan().actions()).isEmpty();

    c.serving("web-00000");
    assertThat(c.plan().actions())
        .containsExactly(
            remove("web-00001", "web", "a", "replaced by web-00000, which is running and healthy"));
  }

  @Test
  void aNodeThatComesBackAfterTheReplacementWasPlacedStillCompletesTheMove() {
    c.workers("a", "b")
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b", "web-00001")
        .serving("web-00001");

    // a is fine and web-00001 serves, but its replacement exists: nothing is placed twice.
    assertThat(c.plan().actions()).isEmpty();
    c.serving("web-00002");
    assertThat(targets(c.plan())).containsExactly("-a");
  }

  @Test
  void aDrainingNodesReplicasAreMovedMakeBeforeBreakAndACordonedNodeKeepsThem() {
    c.workers("a", "b", "c", "d")
        .service("web", spec(2, HTTP))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .serving("web-00001", "web-00002")
        .update("a", n -> SimulatedCluster.scheduling(n, false, true))
        .update("b", n -> SimulatedCluster.scheduling(n, true, false));

    SchedulerPlan plan = c.plan();
    assertThat(plan.actions())
        .containsExactly(
            new SchedulerAction.Place(
                "web-00000",
                "web",
                "c",
                1,
                Map.of("http", 80),
                "web-00001",
                "replaces web-00001: node a is draining"));
    c.apply(plan);
    assertThat(c.plan().actions()).isEmpty();
    c.serving("web-00000");
    assertThat(targets(c.plan())).containsExactly("-a");
  }

  @Test
  void whenNoNodeCanTakeAReplacementTheReplicaStaysAndTheNoteSaysSo() {
    c.workers("a", "b")
        .service("web", spec(2, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .serving("web-00001", "web-00002")
        .update("a", n -> SimulatedCluster.scheduling(n, false, true));

    SchedulerPlan plan = c.plan();
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.notes())
        .containsExactly(
            new SchedulerPlan.Note(
                "web",
                "cannot move web-00001 (node a is draining): hard anti-affinity allows one"
                    + " replica per node and every one of the 1 eligible nodes holds one"));
  }

  @Test
  void aSecondReplacementIsNeverPlacedAndOneFoundIsRemoved() {
    c.workers("a", "b", "c", "d")
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b", "web-00001")
        .replica("web-00003", "web", "c", "web-00001")
        .serving("web-00003")
        .update("a", n -> SimulatedCluster.scheduling(n, false, true));

    SchedulerPlan plan = c.plan();

    // The serving one is kept, and completes the move at once.
    assertThat(describe(plan))
        .containsExactly(
            "remove web-00002 from b: a second replacement for web-00001 (web-00003 replaces it"
                + " already)",
            "remove web-00001 from a: replaced by web-00003, which is running and healthy");
    c.apply(plan);
    assertThat(c.plan().actions()).isEmpty();
  }

  @Test
  void aReplacementThatNeverServedIsDroppedWhenItsOwnNodeGoesAndTheReplicaReplacedAgain() {
    c.workers("a", "b", "c")
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b", "web-00001")
        .update("a", n -> SimulatedCluster.stale(n, c.nowMs - 100_000))
        .update("b", n -> SimulatedCluster.stale(n, c.nowMs - 100_000));

    SchedulerPlan plan = c.plan();

    assertThat(describe(plan))
        .containsExactly(
            "remove web-00002 from b: replacement for web-00001 never served and node b stale"
                + " longer than the grace of 60 s",
            "place web-00000 on c (generation 1, replacing web-00001): replaces web-00001: node a"
                + " stale longer than the grace of 60 s");
    c.apply(plan);
  }

  @Test
  void aServingReplacementOnANodeThatMustBeLeftTakesOverThenMovesOnItself() {
    c.workers("a", "b", "c")
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b", "web-00001")
        .serving("web-00001", "web-00002")
        .update("a", n -> SimulatedCluster.scheduling(n, false, true))
        .update("b", n -> SimulatedCluster.scheduling(n, false, true));

    assertThat(describe(c.plan()))
        .containsExactly(
            "remove web-00001 from a: replaced by web-00002, which is running and healthy",
            "place web-00000 on c (generation 1, replacing web-00002): replaces web-00002: node b"
                + " is draining");
  }

  @Test
  void aReplacementWhoseReplicaIsRevokedBecomesAnOrdinaryReplica() {
    c.workers("a", "b")
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b", "web-00001")
        .update("a", SimulatedCluster::revoked);

    SchedulerPlan plan = c.plan();
    assertThat(describe(plan)).containsExactly("remove web-00001 from a: node a is revoked");
    c.apply(plan);
    c.serving("web-00002");
    assertThat(c.plan().actions()).isEmpty();
  }

  @Test
  void scaleDownDuringAMoveDropsTheMovingReplicaAndItsReplacementFirst() {
    c.workers("a", "b", "c")
        .service("web", spec(2, ""))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "b")
        .replica("web-00003", "web", "c", "web-00001")
        .serving("web-00001", "web-00002")
        .update("a", n -> SimulatedCluster.scheduling(n, false, true))
        .service("web", spec(1, ""));

    SchedulerPlan plan = c.plan();
    assertThat(describe(plan))
        .containsExactly(
            "remove web-00003 from c: scale down: 2 replicas, 1 wanted",
            "remove web-00001 from a: scale down: 2 replicas, 1 wanted");
    c.apply(plan);
  }

  @Test
  void replicasOnNodesTheSelectorNoLongerMatchesMove() {
    c.node(SimulatedCluster.labelled(SimulatedCluster.worker("a"), Map.of("zone", "x")))
        .node(SimulatedCluster.labelled(SimulatedCluster.worker("b"), Map.of("zone", "y")))
        .service("web", spec(1, ""))
        .replica("web-00001", "web", "a")
        .serving("web-00001")
        .service("web", spec(1, "'node_selector':{'labels':{'zone':'y'}}"));

    assertThat(describe(c.plan()))
        .containsExactly(
            "place web-00000 on b (generation 2, replacing web-00001): replaces web-00001: node a"
                + " no longer matches the node selector");
  }

  @Test
  void replicasSharingANodeUnderHardAntiAffinityAreSpreadOut() {
    c.workers("a", "b")
        .service("web", spec(2, "'anti_affinity':'soft'"))
        .replica("web-00001", "web", "a")
        .replica("web-00002", "web", "a")
        .serving("web-00001", "web-00002")
        .service("web", spec(2, "'anti_affinity':'hard'"));

    assertThat(describe(c.plan()))
        .containsExactly(
            "place web-00000 on b (generation 2, replacing web-00002): replaces web-00002: shares"
                + " node a with web-00001 (hard anti-affinity)");
  }

  // ---- ids, determinism, output ----

  @Test
  void newIdsSkipEveryTakenOneAndGiveUpWithAnInternalError() {
    c.workers("a", "b")
        .service("web", spec(2, ""))
        .replica("web-00000", "web", "a")
        .replica("web-00001", "web", "gone");

    // The counting source draws 0 (taken), 1 (taken, though removed by this very plan), 2.
    assertThat(c.plan().actions())
        .extracting(SchedulerAction::replicaId)
        .containsExactly("web-00001", "web-00002");

    assertThatThrownBy(() -> SchedulerPlan.plan(c.input(), () -> 0))
        .isInstanceOf(UptimeMeshException.class)
        .extracting(e -> ((UptimeMeshException) e).errorCode())
        .isEqualTo(ErrorCode.INTERNAL);
    assertThat(ReplicaIdSource.id("web", 0xABCDEF)).isEqualTo("web-bcdef");
    assertThat(ReplicaIdSource.id("web", -1)).isEqualTo("web-fffff");
  }

  @Test
  void theSameClusterInAnyOrderGivesTheSamePlan() {
    SimulatedCluster big = new SimulatedCluster();
    big.workers("n1", "n2", "n3", "n4", "n5")
        .update("n2", n -> SimulatedCluster.scheduling(n, false, true))
        .service("web", spec(3, HTTP))
        .service("api", spec(4, "'anti_affinity':'soft'," + HTTP))
        .replica("web-00010", "web", "n1")
        .replica("web-00011", "web", "n2")
        .replica("api-00012", "api", "n3")
        .serving("web-00010", "web-00011", "api-00012");
    SchedulerInput input = big.input();
    SchedulerPlan expected = SchedulerPlan.plan(input, ReplicaIdSource.seeded(7));

    for (int i = 0; i < 10; i++) {
      List<SchedulerService> services = new ArrayList<>(input.services());
      List<SchedulerNode> nodes = new ArrayList<>(input.nodes());
      List<ReplicaRecord> replicas = new ArrayList<>(input.replicas());
      java.util.Random random = new java.util.Random(i);
      Collections.shuffle(services, random);
      Collections.shuffle(nodes, random);
      Collections.shuffle(replicas, random);
      SchedulerInput shuffled =
          new SchedulerInput(
              services,
              nodes,
              replicas,
              input.statuses(),
              input.healthy(),
              input.nowMs(),
              input.rescheduleGraceMs());
      assertThat(SchedulerPlan.plan(shuffled, ReplicaIdSource.seeded(7))).isEqualTo(expected);
    }
    // api: three more; web: one replacement for the draining n2, and one more replica.
    assertThat(expected.actions()).hasSize(3 + 2);
  }

  @Test
  void aPlaceActionIsTheRecordToWriteAndThePlanSerialisesWithItsActionKinds() throws Exception {
    SchedulerAction.Place place =
        new SchedulerAction.Place(
            "web-0a1b2", "web", "n1", 3, Map.of("http", 8080), "web-99999", "because");
    assertThat(place.record(42))
        .isEqualTo(
            new ReplicaRecord(
                ReplicaRecord.SCHEMA,
                "web-0a1b2",
                "web",
                "n1",
                3,
                Map.of("http", 8080),
                "web-99999",
                42));

    SchedulerPlan plan =
        new SchedulerPlan(
            List.of(place, new SchedulerAction.Remove("web-99999", "web", "n2", "moved")),
            List.of(new SchedulerPlan.Note("web", "short")));
    String json = Json.mapper().writeValueAsString(plan);

    assertThat(json)
        .contains("\"action\":\"place\"", "\"action\":\"remove\"", "\"host_ports\":{\"http\":8080}")
        .doesNotContain("no_actions");
    assertThat(Json.mapper().readValue(json, SchedulerPlan.class)).isEqualTo(plan);
    assertThat(plan.noActions()).isFalse();
  }
}
