package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.workload.RolloutRecord.RolloutStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The rollout against simulated agents that are slow, and sometimes never get a generation healthy:
 * at no observed step are more than {@code max_unavailable} replicas updating or more taken out of
 * service by the rollout than it allows, and every rollout either succeeds with every replica on
 * the new generation or fails with exactly one replica restored and no other moved.
 */
class RolloutSimulationTest {
  private static final long TIMEOUT = 10_000;

  @RepeatedTest(300)
  void convergesOrFailsCleanly(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition());
    int n = 1 + rnd.nextInt(6);
    int maxUnavailable = 1 + rnd.nextInt(3);
    boolean broken = rnd.nextInt(3) == 0; // generation 2 never runs healthy
    WorkloadSpec spec =
        SimulatedCluster.spec(n, "'rolling_update':{'max_unavailable':" + maxUnavailable + "}");
    Map<String, ReplicaRecord> replicas = new TreeMap<>();
    Map<String, ReplicaStatus> statuses = new TreeMap<>();
    Map<String, Long> readyAt = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String id = "web-0000" + i;
      replicas.put(id, new ReplicaRecord(1, id, "web", "n" + i, 1, Map.of(), null, 0));
      statuses.put(id, status(id, "running", 1, 0));
    }
    long now = 0;
    RolloutRecord record = null;
    for (int tick = 0; tick < 2000; tick++) {
      now += 100 + rnd.nextInt(900);
      // Agents: a replica whose record names another generation stops, then runs it after a while
      // (never, for a broken generation 2).
      for (ReplicaRecord r : replicas.values()) {
        ReplicaStatus s = statuses.get(r.id());
        if (s.generation() != r.generation() && !readyAt.containsKey(r.id())) {
          readyAt.put(r.id(), now + rnd.nextInt(4000));
          statuses.put(r.id(), status(r.id(), "stopped", s.generation(), now));
        } else if (readyAt.containsKey(r.id()) && now >= readyAt.get(r.id())) {
          readyAt.remove(r.id());
          boolean runs = !(broken && r.generation() == 2);
          statuses.put(r.id(), status(r.id(), runs ? "running" : "stopped", r.generation(), now));
        }
      }
      RolloutPlan p =
          RolloutPlan.plan(
              new RolloutInput(
                  "web",
                  2,
                  spec,
                  new ArrayList<>(replicas.values()),
                  statuses,
                  noPorts(replicas),
                  record,
                  now,
                  TIMEOUT));
      record = p.record();
      p.replicas().forEach(r -> replicas.put(r.id(), r));
      if (record == null) {
        continue;
      }
      long updating =
          record.steps().values().stream()
              .filter(s -> s.state().equals(RolloutStep.UPDATING))
              .count();
      assertThat(updating).isLessThanOrEqualTo(maxUnavailable);
      long down = statuses.values().stream().filter(s -> !s.running()).count();
      assertThat(down).as("replicas not serving").isLessThanOrEqualTo(maxUnavailable);
      if (!record.running()) {
        break;
      }
    }
    assertThat(record).isNotNull();
    if (broken) {
      assertThat(record.state()).isEqualTo(RolloutRecord.FAILED);
      // Every replica that was not done is back on 1 and restored; none is left updating.
      List<String> restored =
          record.steps().entrySet().stream()
              .filter(e -> e.getValue().state().equals(RolloutStep.RESTORED))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(restored).isNotEmpty();
      assertThat(record.steps().values()).noneMatch(s -> s.state().equals(RolloutStep.UPDATING));
      restored.forEach(id -> assertThat(replicas.get(id).generation()).isEqualTo(1));
      String reason = record.reason();
      assertThat(restored).anyMatch(reason::contains);
    } else {
      assertThat(record.state()).isEqualTo(RolloutRecord.SUCCEEDED);
      assertThat(replicas.values()).allMatch(r -> r.generation() == 2);
    }
  }

  /** No ports: running is serving. */
  private static Map<String, String> noPorts(Map<String, ReplicaRecord> replicas) {
    Map<String, String> health = new TreeMap<>();
    replicas.keySet().forEach(id -> health.put(id, RolloutInput.NONE));
    return health;
  }

  private static ReplicaStatus status(String id, String state, long gen, long now) {
    return new ReplicaStatus(1, id, "n", state, gen, List.of(), "", now);
  }
}
