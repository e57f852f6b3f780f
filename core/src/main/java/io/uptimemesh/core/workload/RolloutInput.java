package io.uptimemesh.core.workload;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the rollout of one service is decided from: one consistent read of the cluster.
 *
 * @param service the service's name
 * @param generation the service's current generation
 * @param spec its workload spec (its {@code rolling_update} is used), or null for a discovery-only
 *     service (nothing to roll out)
 * @param replicas the service's replica records
 * @param statuses replica id → what its node's agent last reported; missing: nothing reported
 * @param health replica id → its health as {@code ReplicaHealth} gives it: {@code healthy}, {@code
 *     unhealthy}, {@code unknown} or {@code none} (no ports: running is enough); missing: unknown
 * @param current the service's rollout record, or null
 * @param nowMs the leader's clock, epoch milliseconds
 * @param healthTimeoutMs {@code LXD_HEALTH_TIMEOUT_SECONDS} in milliseconds: how long a replica
 *     step may take to run healthy on the new generation
 */
public record RolloutInput(
    String service,
    long generation,
    WorkloadSpec spec,
    List<ReplicaRecord> replicas,
    Map<String, ReplicaStatus> statuses,
    Map<String, String> health,
    RolloutRecord current,
    long nowMs,
    long healthTimeoutMs) {
  public static final String HEALTHY = "healthy";
  public static final String UNHEALTHY = "unhealthy";
  public static final String NONE = "none";

  public RolloutInput {
    Objects.requireNonNull(service, "service");
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
    statuses = statuses == null ? Map.of() : Map.copyOf(statuses);
    health = health == null ? Map.of() : Map.copyOf(health);
    if (healthTimeoutMs < 1) {
      throw new IllegalArgumentException("healthTimeoutMs must be >= 1");
    }
  }

  /** The status of a replica, or null. */
  ReplicaStatus status(String id) {
    return statuses.get(id);
  }

  /** Running and healthy (or without ports): the replica serves. */
  boolean serving(ReplicaRecord r) {
    ReplicaStatus s = statuses.get(r.id());
    String h = health.getOrDefault(r.id(), "unknown");
    return s != null && s.running() && (HEALTHY.equals(h) || NONE.equals(h));
  }

  /** Serving, and its agent reports the generation its record names. */
  boolean servingAt(ReplicaRecord r, long gen) {
    ReplicaStatus s = statuses.get(r.id());
    return serving(r) && s.generation() == gen;
  }
}
