package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.workload.RolloutRecord.RolloutStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {
  private static final long TIMEOUT = 60_000;

  /** A service "web" at some generation with replicas, statuses and health to plan from. */
  private static final class World {
    long generation = 2;
    WorkloadSpec spec = SimulatedCluster.spec(3, "");
    final Map<String, ReplicaRecord> replicas = new HashMap<>();
    final Map<String, ReplicaStatus> statuses = new HashMap<>();
    final Map<String, String> health = new HashMap<>();
    RolloutRecord record;
    long now = 1_000_000;

    World replica(String id, long gen, boolean serving) {
      replicas.put(id, new ReplicaRecord(1, id, "web", "n-" + id, gen, Map.of(), null, now));
      report(id, serving ? "running" : "stopped", gen);
      return this;
    }

    World report(String id, String state, long gen) {
      statuses.put(id, new ReplicaStatus(1, id, "n-" + id, state, gen, List.of(), "", now));
      health.put(id, RolloutInput.NONE);
      return this;
    }

    RolloutPlan plan() {
      return RolloutPlan.plan(
          new RolloutInput(
              "web",
              generation,
              spec,
              new ArrayList<>(replicas.values()),
              statuses,
              health,
              record,
              now,
              TIMEOUT));
    }

    /** Plans and applies the plan (as the job's transaction would). */
    RolloutPlan step() {
      RolloutPlan p = plan();
      record = p.record();
      p.replicas().forEach(r -> replicas.put(r.id(), r));
      return p;
    }

    /** The agent runs every replica's generation, serving. */
    void agentsCatchUp() {
      replicas.values().forEach(r -> report(r.id(), "running", r.generation()));
    }

    List<String> updating() {
      return record.steps().entrySet().stream()
          .filter(e -> e.getValue().state().equals(RolloutStep.UPDATING))
          .map(Map.Entry::getKey)
          .sorted()
          .toList();
    }
  }

  private static World threeOnGen1() {
    return new World().replica("a", 1, true).replica("b", 1, true).replica("c", 1, true);
  }

  private static List<String> names(RolloutPlan p) {
    return p.events().stream().map(RolloutPlan.Event::name).toList();
  }

  @Test
  void nothingToDoWithoutARecordWhenEveryReplicaRunsTheGeneration() {
    World w = new World().replica("a", 2, true);
    RolloutPlan p = w.plan();
    assertThat(p.nothingToWrite()).isTrue();
    assertThat(p.record()).isNull();
  }

  @Test
  void discoveryOnlyServiceHasNoRollout() {
    World w = threeOnGen1();
    w.spec = null;
    assertThat(w.plan().nothingToWrite()).isTrue();
  }

  @Test
  void startsAndUpdatesOneReplicaAtATime() {
    World w = threeOnGen1();
    RolloutPlan p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STARTED);
    assertThat(p.record().state()).isEqualTo(RolloutRecord.RUNNING);
    assertThat(p.record().fromGeneration()).isEqualTo(1);
    assertThat(p.record().toGeneration()).isEqualTo(2);
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("a");
    assertThat(p.replicas().get(0).generation()).isEqualTo(2);
    assertThat(w.updating()).containsExactly("a");

    // Nothing happens until the agent reports: no write.
    w.now += 1000;
    assertThat(w.plan().nothingToWrite()).isTrue();

    w.report("a", "running", 2);
    p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STEP_DONE);
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("b");
    w.agentsCatchUp();
    p = w.step();
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("c");
    w.agentsCatchUp();
    p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STEP_DONE, RolloutPlan.SUCCEEDED);
    assertThat(p.record().state()).isEqualTo(RolloutRecord.SUCCEEDED);
    assertThat(p.record().steps().values()).allMatch(s -> s.state().equals(RolloutStep.DONE));
    assertThat(w.plan().nothingToWrite()).as("a succeeded rollout stays").isTrue();
  }

  @Test
  void maxUnavailableTwoUpdatesTwoAtOnce() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':2}");
    assertThat(w.step().replicas()).extracting(ReplicaRecord::id).containsExactly("a", "b");
  }

  @Test
  void aFailureSetsBackEveryReplicaStillUpdatingButNotThoseDone() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':2}");
    w.step(); // a, b updating
    w.report("a", "running", 2); // a done
    w.step(); // c updating
    w.now += TIMEOUT; // b never ran 2
    RolloutPlan p = w.step();
    assertThat(p.record().failed()).isTrue();
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("b", "c");
    assertThat(p.replicas()).allMatch(r -> r.generation() == 1);
    assertThat(p.record().steps().get("a").state()).isEqualTo(RolloutStep.DONE);
    assertThat(p.record().steps().get("c").state()).isEqualTo(RolloutStep.RESTORED);
    assertThat(p.record().steps().get("c").reason()).contains("replica b");
    assertThat(p.events().get(0).fields()).containsEntry("also_restored", "c");
  }

  @Test
  void aReplicaNotServingCountsAsUnavailableAndIsUpdatedFirst() {
    World w = threeOnGen1();
    w.report("b", "stopped", 1);
    RolloutPlan p = w.step();
    assertThat(p.replicas())
        .as("b serves nothing anyway: updating it costs no availability")
        .extracting(ReplicaRecord::id)
        .containsExactly("b");
  }

  @Test
  void neverTakesAServingReplicaWhileTooManyAreDown() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':1}");
    w.step(); // a updating
    w.report("c", "stopped", 1); // c goes down meanwhile
    w.report("a", "running", 2);
    RolloutPlan p = w.step();
    // a done; c does not serve: it is updated (costs nothing); b, serving, waits.
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("c");
    w.report("b", "stopped", 1);
    w.now += 1000;
    assertThat(w.plan().replicas()).as("one updating already").isEmpty();
  }

  @Test
  void timeoutRestoresTheReplicaAndFailsTheRollout() {
    World w = threeOnGen1();
    w.step();
    w.report("a", "running", 1); // the agent never gets gen 2 running
    w.now += TIMEOUT - 1;
    assertThat(w.plan().nothingToWrite()).isTrue();
    w.now += 1;
    RolloutPlan p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.FAILED);
    assertThat(p.record().state()).isEqualTo(RolloutRecord.FAILED);
    assertThat(p.record().reason()).contains("replica a", "generation 2", "60 s");
    assertThat(p.record().steps().get("a").state()).isEqualTo(RolloutStep.RESTORED);
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("a");
    assertThat(p.replicas().get(0).generation()).isEqualTo(1);
    assertThat(w.replicas.get("b").generation()).isEqualTo(1);
    // Failed stays failed: nothing more moves, and new replicas run the old generation.
    w.now += 10 * TIMEOUT;
    assertThat(w.plan().nothingToWrite()).isTrue();
    assertThat(RolloutRecord.generationForNewReplicas(2, w.record)).isEqualTo(1);
  }

  @Test
  void aStepTimesOutFromItsStartEvenUnderANewLeader() {
    World w = threeOnGen1();
    w.step();
    long started = w.record.steps().get("a").startedAtMs();
    assertThat(started).isEqualTo(w.now);
    // A new leader plans from the stored record: the clock is the step's, not the leader's.
    w.now = started + TIMEOUT;
    assertThat(w.plan().record().failed()).isTrue();
  }

  @Test
  void failedOnTheNewGenerationFailsAtOnce() {
    World w = threeOnGen1();
    w.step();
    w.statuses.put(
        "a", new ReplicaStatus(1, "a", "n-a", "failed", 2, List.of(), "image missing", w.now));
    RolloutPlan p = w.step();
    assertThat(p.record().reason()).isEqualTo("replica a failed on generation 2: image missing");
  }

  @Test
  void unhealthyOnTheNewGenerationFailsAtOnce() {
    World w = threeOnGen1();
    w.step();
    w.report("a", "running", 2);
    w.health.put("a", RolloutInput.UNHEALTHY);
    RolloutPlan p = w.step();
    assertThat(p.record().failed()).isTrue();
    assertThat(p.record().reason()).contains("unhealthy");
  }

  @Test
  void unknownHealthWaitsUntilHealthyOrTimeout() {
    World w = threeOnGen1();
    w.step();
    w.report("a", "running", 2);
    w.health.put("a", "unknown");
    assertThat(w.plan().nothingToWrite()).isTrue();
    w.health.put("a", RolloutInput.HEALTHY);
    assertThat(names(w.step())).containsExactly(RolloutPlan.STEP_DONE);
  }

  @Test
  void aFailedRolloutIsSupersededByANewerGeneration() {
    World w = threeOnGen1();
    w.step();
    w.now += TIMEOUT;
    w.step();
    assertThat(w.record.failed()).isTrue();
    // services rollback: generation 3 (the spec of 1).
    w.generation = 3;
    RolloutPlan p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STARTED);
    assertThat(p.record().fromGeneration()).isEqualTo(1);
    assertThat(p.record().toGeneration()).isEqualTo(3);
    assertThat(p.record().running()).isTrue();
    assertThat(p.replicas()).hasSize(1);
  }

  @Test
  void aRunningRolloutIsSupersededWithTheFieldSaid() {
    World w = threeOnGen1();
    w.step(); // a → 2
    w.generation = 3;
    RolloutPlan p = w.step();
    assertThat(p.events().get(0).fields()).containsEntry("supersedes_generation", "2");
    assertThat(p.record().fromGeneration()).isEqualTo(1);
    assertThat(p.record().toGeneration()).isEqualTo(3);
    // a is at 2 (not serving yet); still only one updating.
    assertThat(w.updating()).hasSize(1);
  }

  @Test
  void replicasPlacedAtTheNewGenerationCountAsDoneOnceServing() {
    World w = threeOnGen1();
    w.step();
    w.replica("d", 2, false);
    w.now += 1;
    assertThat(w.step().record().steps().get("d").state()).isEqualTo(RolloutStep.PENDING);
    w.report("d", "running", 2);
    RolloutPlan p = w.step();
    assertThat(p.record().steps().get("d").state()).isEqualTo(RolloutStep.DONE);
    // Removed replicas lose their step.
    w.replicas.remove("c");
    assertThat(w.step().record().steps()).doesNotContainKey("c");
  }

  @Test
  void aServiceWithoutReplicasNeedsNoRolloutAndOneWhoseReplicasWentSucceeds() {
    World w = new World();
    assertThat(w.plan().record()).as("nothing to roll out").isNull();
    World running = threeOnGen1();
    running.step();
    running.replicas.clear(); // scaled to 0 meanwhile
    RolloutPlan p = running.step();
    assertThat(names(p)).containsExactly(RolloutPlan.SUCCEEDED);
    assertThat(p.record().steps()).isEmpty();
  }

  /** Serving replicas that are not updating: what the service can count on. */
  private static long servingNotUpdating(World w) {
    return w.replicas.values().stream()
        .filter(r -> w.statuses.get(r.id()).running())
        .filter(r -> !w.updating().contains(r.id()))
        .count();
  }

  @Test
  void maxUnavailableZeroWithSurgeWaitsForTheSurgeReplicaThenMovesOneAtATime() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':0,'max_surge':1}");
    RolloutPlan p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STARTED);
    assertThat(p.replicas()).as("no serving replica may go: only 3 serve").isEmpty();
    // The scheduler places the surge replica at the new generation; it does not serve yet.
    w.now += 1000;
    w.replica("d", 2, false);
    assertThat(w.step().replicas()).as("d does not serve yet").isEmpty();
    w.report("d", "running", 2);
    p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STEP_DONE);
    assertThat(p.record().steps().get("d").state()).isEqualTo(RolloutStep.DONE);
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("a");
    for (String next : List.of("b", "c")) {
      assertThat(servingNotUpdating(w)).isGreaterThanOrEqualTo(3);
      // The agent stops the old generation first: a does not serve while it moves.
      String moving = w.updating().get(0);
      w.report(moving, "stopped", 1);
      w.now += 1000;
      assertThat(w.plan().replicas()).as("still only one at a time").isEmpty();
      w.report(moving, "running", 2);
      p = w.step();
      assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly(next);
      assertThat(w.updating()).containsExactly(next);
    }
    w.agentsCatchUp();
    p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.STEP_DONE, RolloutPlan.SUCCEEDED);
    assertThat(w.replicas.values()).allMatch(r -> r.generation() == 2).hasSize(4);
  }

  @Test
  void aRolloutThatCannotTakeAStepFailsAfterTheHealthTimeoutWithoutMovingAnything() {
    World w = threeOnGen1();
    // No node has room for the surge replica: with max_unavailable 0 no serving one may go.
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':0,'max_surge':1}");
    assertThat(names(w.step())).containsExactly(RolloutPlan.STARTED);
    w.now += TIMEOUT - 1;
    assertThat(w.plan().nothingToWrite()).as("still within the timeout").isTrue();
    w.now += 1;
    RolloutPlan p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.FAILED);
    assertThat(p.record().state()).isEqualTo(RolloutRecord.FAILED);
    assertThat(p.record().reason())
        .contains(
            "no progress for 60 s", "3 replica(s) serve", "more than 3", "services rollout web");
    assertThat(p.replicas()).as("nothing was in flight: nothing is set back").isEmpty();
    assertThat(RolloutRecord.generationForNewReplicas(2, w.record)).isEqualTo(1);
  }

  @Test
  void progressRestartsTheStallClock() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':0,'max_surge':1}");
    w.step();
    w.now += TIMEOUT - 1;
    // The surge replica is placed just in time: the record changes (a new pending step).
    w.replica("d", 2, false);
    assertThat(w.step().record().running()).isTrue();
    w.now += TIMEOUT - 1;
    assertThat(w.plan().nothingToWrite()).isTrue();
  }

  @Test
  void maxUnavailableZeroStillUpdatesAReplicaThatServesNothingFirst() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':0,'max_surge':1}");
    w.report("b", "stopped", 1);
    assertThat(w.step().replicas()).extracting(ReplicaRecord::id).containsExactly("b");
  }

  @Test
  void aSurgeAddsToWhatMayUpdateAtOnceButNeverBelowReplicasMinusMaxUnavailable() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':1,'max_surge':1}");
    assertThat(w.step().replicas())
        .as("3 serve, 2 must: one may go before the surge replica serves")
        .extracting(ReplicaRecord::id)
        .containsExactly("a");
    w.replica("d", 2, true);
    RolloutPlan p = w.step();
    assertThat(p.replicas())
        .as("d serves: b, c, d serve, one more may go")
        .extracting(ReplicaRecord::id)
        .containsExactly("b");
    assertThat(w.updating()).containsExactly("a", "b");
    assertThat(servingNotUpdating(w)).isEqualTo(2);
  }

  @Test
  void aSurgeReplicaThatNeverServesFailsTheRolloutWithoutBeingSetBack() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':0,'max_surge':1}");
    w.step();
    w.now += 1000;
    w.replica("d", 2, false);
    w.step(); // d's step appears, pending
    w.now += TIMEOUT - 1;
    assertThat(w.plan().nothingToWrite()).isTrue();
    w.now += 1;
    RolloutPlan p = w.step();
    assertThat(names(p)).containsExactly(RolloutPlan.FAILED);
    assertThat(p.record().failed()).isTrue();
    assertThat(p.record().reason())
        .startsWith("placed replica d did not run generation 2 healthy within 60 s");
    assertThat(p.replicas()).as("d has no old generation; a, b, c never moved").isEmpty();
    assertThat(p.record().steps().get("d").state()).isEqualTo(RolloutStep.PENDING);
    assertThat(p.record().steps().get("d").reason()).isEqualTo(p.record().reason());
    assertThat(p.events().get(0).fields()).containsEntry("replica", "d");
    assertThat(p.events().get(0).fields()).doesNotContainKey("restored_generation");
    assertThat(RolloutRecord.generationForNewReplicas(2, w.record)).isEqualTo(1);
  }

  @Test
  void aPlacedReplicaFailingSetsBackTheOnesUpdating() {
    World w = threeOnGen1();
    w.spec = SimulatedCluster.spec(3, "'rolling_update':{'max_unavailable':1,'max_surge':1}");
    w.step(); // a updating
    w.replica("d", 2, false);
    w.statuses.put(
        "d", new ReplicaStatus(1, "d", "n-d", "failed", 2, List.of(), "image missing", w.now));
    RolloutPlan p = w.step();
    assertThat(p.record().reason())
        .isEqualTo("placed replica d failed on generation 2: image missing");
    assertThat(p.replicas()).extracting(ReplicaRecord::id).containsExactly("a");
    assertThat(p.replicas().get(0).generation()).isEqualTo(1);
    assertThat(p.record().steps().get("a").state()).isEqualTo(RolloutStep.RESTORED);
  }

  @Test
  void aReplicaOnTheNewGenerationOlderThanTheRolloutIsNotJudgedByItsAge() {
    World w = threeOnGen1();
    w.replica("d", 2, false); // e.g. done in an earlier try, its node down now
    w.now += 1;
    w.step();
    w.now += 10 * TIMEOUT;
    w.report("a", "running", 2);
    RolloutPlan p = w.step();
    assertThat(p.record().running()).isTrue();
    assertThat(p.record().steps().get("d").state()).isEqualTo(RolloutStep.PENDING);
  }
}
