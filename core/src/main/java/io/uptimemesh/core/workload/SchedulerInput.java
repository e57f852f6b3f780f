package io.uptimemesh.core.workload;

import java.util.List;
import java.util.Map;

/**
 * Everything the scheduler decides from: one consistent read of the cluster (ids unique within each
 * list).
 *
 * @param services every service, with or without a workload
 * @param nodes every node record (a replica whose node is missing here is on a node that is gone)
 * @param replicas every replica record
 * @param statuses replica id → what its node's agent last reported; missing: nothing reported (or
 *     the report expired with the node's lease)
 * @param healthy replica id → whether all its discovery endpoints are healthy ({@link
 *     io.uptimemesh.core.discovery.EndpointState}); missing: not healthy. Ignored for a service
 *     without a health check (no ports), where running is enough.
 * @param nowMs the leader's clock, epoch milliseconds
 * @param rescheduleGraceMs {@code SCHEDULER_RESCHEDULE_GRACE_SECONDS} in milliseconds
 */
public record SchedulerInput(
    List<SchedulerService> services,
    List<SchedulerNode> nodes,
    List<ReplicaRecord> replicas,
    Map<String, ReplicaStatus> statuses,
    Map<String, Boolean> healthy,
    long nowMs,
    long rescheduleGraceMs) {
  public SchedulerInput {
    services = services == null ? List.of() : List.copyOf(services);
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
    statuses = statuses == null ? Map.of() : Map.copyOf(statuses);
    healthy = healthy == null ? Map.of() : Map.copyOf(healthy);
    if (rescheduleGraceMs < 0) {
      throw new IllegalArgumentException("rescheduleGraceMs must be >= 0");
    }
  }
}
