package io.uptimemesh.core.workload;

import java.util.Objects;

/**
 * A service as the scheduler sees it ({@code services/{name}}).
 *
 * @param name the service
 * @param generation the generation new replicas are placed at ({@link
 *     RolloutRecord#generationForNewReplicas}: during a rollout the new one)
 * @param workload its spec, or null for a discovery-only service (never scheduled; any replica it
 *     still has is removed)
 * @param surge replicas the scheduler keeps above {@code workload.replicas}: its {@code
 *     rolling_update.max_surge} while a rollout to its current generation is running, else 0 (ADR
 *     0014 "Rollout"), so the surplus goes again once the rollout ends
 */
public record SchedulerService(String name, long generation, WorkloadSpec workload, int surge) {
  public SchedulerService {
    Objects.requireNonNull(name, "name");
    if (surge < 0) {
      throw new IllegalArgumentException("surge must be >= 0");
    }
  }

  /** No rollout running: no surge. */
  public SchedulerService(String name, long generation, WorkloadSpec workload) {
    this(name, generation, workload, 0);
  }

  /** How many replicas the scheduler keeps: {@code replicas + surge}, 0 without a workload. */
  public int targetReplicas() {
    return workload == null ? 0 : workload.replicas() + surge;
  }
}
