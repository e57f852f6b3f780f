package io.uptimemesh.core.workload;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One replica of a service ({@code replicas/{id}}), written by the leader (scheduler, rollout,
 * move, drain) in fenced transactions. Its id is also its container's name and the prefix of its
 * discovery endpoints ({@code <id>-<port name>}).
 *
 * @param schema {@value #SCHEMA}
 * @param id {@code <service>-<5 lower-case hex digits>}
 * @param service the service
 * @param nodeId the node that runs it
 * @param generation the spec generation it must run
 * @param hostPorts port name → the port on the node's mesh address (the container port unless
 *     replicas share the node)
 * @param replaces the id of the replica this one replaces once it is healthy (move, drain,
 *     reschedule), or null
 * @param createdAtMs epoch milliseconds
 * @param command the latest operator command for the replica's container (restart, snapshot,
 *     restore), or null; the agent carries out a command whose sequence number it has not yet
 *     reported in {@link ReplicaStatus#commandSeq()}
 */
public record ReplicaRecord(
    int schema,
    String id,
    String service,
    String nodeId,
    long generation,
    Map<String, Integer> hostPorts,
    String replaces,
    long createdAtMs,
    ReplicaCommand command) {
  public static final int SCHEMA = 1;

  public ReplicaRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(nodeId, "nodeId");
    hostPorts = hostPorts == null ? Map.of() : Map.copyOf(new TreeMap<>(hostPorts));
  }

  /** A replica without a command (the scheduler's placements). */
  public ReplicaRecord(
      int schema,
      String id,
      String service,
      String nodeId,
      long generation,
      Map<String, Integer> hostPorts,
      String replaces,
      long createdAtMs) {
    this(schema, id, service, nodeId, generation, hostPorts, replaces, createdAtMs, null);
  }

  public ReplicaRecord withGeneration(long newGeneration) {
    return new ReplicaRecord(
        schema, id, service, nodeId, newGeneration, hostPorts, replaces, createdAtMs, command);
  }

  public ReplicaRecord withCommand(ReplicaCommand newCommand) {
    return new ReplicaRecord(
        schema, id, service, nodeId, generation, hostPorts, replaces, createdAtMs, newCommand);
  }

  /** The sequence number the next command must carry (1 for the first). */
  public long nextCommandSeq() {
    return command == null ? 1 : command.seq() + 1;
  }
}
