package io.uptimemesh.core.workload;

import java.util.Objects;

/**
 * A service as the scheduler sees it ({@code services/{name}}).
 *
 * @param name the service
 * @param generation its current spec generation: new replicas are placed at it
 * @param workload its spec, or null for a discovery-only service (never scheduled; any replica it
 *     still has is removed)
 */
public record SchedulerService(String name, long generation, WorkloadSpec workload) {
  public SchedulerService {
    Objects.requireNonNull(name, "name");
  }
}
