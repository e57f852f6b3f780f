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
 * @param commandSeq the sequence number of the last {@link ReplicaCommand} the agent carried out (0
 *     if none), whether it succeeded or not
 * @param commandError why that command failed, empty if it succeeded
 */
public record ReplicaStatus(
    int schema,
    String replicaId,
    String nodeId,
    String state,
    long generation,
    List<String> snapshots,
    String error,
    long updatedAtMs,
    long commandSeq,
    String commandError) {
  public static final int SCHEMA = 1;

  public ReplicaStatus {
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(state, "state");
    snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
    error = error == null ? "" : error;
    commandError = commandError == null ? "" : commandError;
  }

  /** A status before any command was carried out. */
  public ReplicaStatus(
      int schema,
      String replicaId,
      String nodeId,
      String state,
      long generation,
      List<String> snapshots,
      String error,
      long updatedAtMs) {
    this(schema, replicaId, nodeId, state, generation, snapshots, error, updatedAtMs, 0, "");
  }

  public boolean running() {
    return "running".equals(state);
  }
}
