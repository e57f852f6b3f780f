package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.workload.RolloutRecord.RolloutStep;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The rollout against simulated agents that are slow, and sometimes never get a generation healthy,
 * and a scheduler that keeps {@code replicas + max_surge} replicas while the rollout runs (new ones
 * at the new generation) and removes the surplus, those not serving first, once it ended: at no
 * observed step are more than {@code max_unavailable + max_surge} replicas updating or fewer than
 * {@code replicas - max_unavailable} serving, and every rollout either succeeds with every replica
 * on the new generation and the surplus gone, or fails with the replicas it moved restored and the
 * reason naming the replica that failed.
 */
class RolloutSimulationTest {
  private static final long TIMEOUT = 10_000;

  @RepeatedTest(400)
  void convergesOrFailsCleanly(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition());
    int n = 1 + rnd.nextInt(6);
    int maxUnavailable = rnd.nextInt(4);
    int maxSurge = maxUnavailable == 0 ? 1 + rnd.nextInt(2) : rnd.nextInt(3);
    boolean broken = rnd.nextInt(3) == 0; // generation 2 never runs healthy
    WorkloadSpec spec =
        SimulatedCluster.spec(
            n,
            "'rolling_update':{'max_unavailable':"
                + maxUnavailable
                + ",'max_surge':"
                + maxSurge
                + "}");
    Map<String, ReplicaRecord> replicas = new TreeMap<>();
    Map<String, ReplicaStatus> statuses = new TreeMap<>();
    Map<String, Long> readyAt = new TreeMap<>();
    Set<String> placed = new HashSet<>();
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
      // (never, for a broken generation 2); a new one runs after a while too.
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
      long serving = statuses.values().stream().filter(ReplicaStatus::running).count();
      assertThat(serving)
          .as(
              "replicas serving at tick %d (%d replicas, max_unavailable %d)",
              tick, n, maxUnavailable)
          .isGreaterThanOrEqualTo(n - maxUnavailable);
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
      assertThat(updating).isLessThanOrEqualTo(maxUnavailable + maxSurge);
      // The scheduler: replicas + surge while the rollout runs, the surplus goes after.
      if (record.running()) {
        for (int k = replicas.size(); k < n + maxSurge; k++) {
          String id = "web-s" + placed.size();
          placed.add(id);
          replicas.put(id, new ReplicaRecord(1, id, "web", "s", 2, Map.of(), null, now));
          statuses.put(id, status(id, "stopped", 2, now));
          readyAt.put(id, now + rnd.nextInt(4000));
        }
      } else {
        RolloutRecord last = record;
        while (replicas.size() > n) {
          String victim =
              replicas.keySet().stream()
                  .min(
                      java.util.Comparator.comparing((String id) -> statuses.get(id).running())
                          // As the scheduler: on the failed generation first (newer than the
                          // generation new replicas get after a failure).
                          .thenComparing(
                              id ->
                                  replicas.get(id).generation()
                                      <= RolloutRecord.generationForNewReplicas(2, last))
                          .thenComparing(id -> id))
                  .orElseThrow();
          replicas.remove(victim);
          statuses.remove(victim);
          readyAt.remove(victim);
        }
        break;
      }
    }
    assertThat(record).isNotNull();
    assertThat(replicas).as("the surplus went").hasSize(n);
    if (broken) {
      assertThat(record.state()).isEqualTo(RolloutRecord.FAILED);
      assertThat(record.steps().values()).noneMatch(s -> s.state().equals(RolloutStep.UPDATING));
      List<String> restored =
          record.steps().entrySet().stream()
              .filter(e -> e.getValue().state().equals(RolloutStep.RESTORED))
              .map(Map.Entry::getKey)
              .toList();
      restored.forEach(
          id -> {
            if (replicas.containsKey(id)) {
              assertThat(replicas.get(id).generation()).isEqualTo(1);
            }
          });
      // The replica that failed: one set back, or one the scheduler placed at generation 2.
      String reason = record.reason();
      assertThat(
              restored.stream().anyMatch(reason::contains)
                  || placed.stream().anyMatch(reason::contains))
          .as(reason)
          .isTrue();
      // Every replica left not on generation 1 proved generation 2... which never serves: none.
      assertThat(replicas.values())
          .as("after a failure no replica is left on the broken generation")
          .allMatch(r -> r.generation() == 1);
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
