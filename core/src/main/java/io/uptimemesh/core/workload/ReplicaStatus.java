package io.uptimemesh.core.workload;

import java.util.List;
import java.util.Objects;

/**
 * What the agent of a replica's node last observed ({@code replica-status/{id}}), written on change
 * only, on the node's liveness lease (like endpoint health, ADR 0013).
 *
 * @param schema {@value #SCHEMA}
 * @param replicaId the replica
 * @param nodeId the reporting node
 * @param state {@code pending}, {@code creating}, {@code running}, {@code stopped} or {@code
 *     failed}
 * @param generation the spec generation the container runs now (0 before it was created)
 * @param snapshots the container's snapshots, oldest first
 * @param error the last error, empty if none
 * @param updatedAtMs epoch milliseconds (agent clock)
 */
public record ReplicaStatus(
    int schema,
    String replicaId,
    String nodeId,
    String state,
    long generation,
    List<String> snapshots,
    String error,
    long updatedAtMs) {
  public static final int SCHEMA = 1;

  public ReplicaStatus {
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(state, "state");
    snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
    error = error == null ? "" : error;
  }

  public boolean running() {
    return "running".equals(state);
  }
}
