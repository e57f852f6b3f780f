package io.uptimemesh.core.workload;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One step of a {@link SchedulerPlan}: the leader applies each as one fenced transaction, in plan
 * order. Serialised with an {@code action} field ({@code place} or {@code remove}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "action")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SchedulerAction.Place.class, name = "place"),
  @JsonSubTypes.Type(value = SchedulerAction.Remove.class, name = "remove")
})
public sealed interface SchedulerAction permits SchedulerAction.Place, SchedulerAction.Remove {
  String replicaId();

  String service();

  String nodeId();

  /** Why, for people ({@code scheduler plan}, the event log). */
  String reason();

  /** One line for the CLI. */
  String describe();

  /**
   * Create replica {@code replicaId} of {@code service} on {@code nodeId}.
   *
   * @param generation the spec generation it runs
   * @param hostPorts port name → port on the node's mesh address
   * @param replaces the replica it replaces once running and healthy, or null
   */
  record Place(
      String replicaId,
      String service,
      String nodeId,
      long generation,
      Map<String, Integer> hostPorts,
      String replaces,
      String reason)
      implements SchedulerAction {
    public Place {
      Objects.requireNonNull(replicaId, "replicaId");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(nodeId, "nodeId");
      hostPorts = hostPorts == null ? Map.of() : Map.copyOf(new TreeMap<>(hostPorts));
    }

    /** The record to write under {@code replicas/{id}}. */
    public ReplicaRecord record(long createdAtMs) {
      return new ReplicaRecord(
          ReplicaRecord.SCHEMA,
          replicaId,
          service,
          nodeId,
          generation,
          hostPorts,
          replaces,
          createdAtMs);
    }

    @Override
    public String describe() {
      String ports =
          new TreeMap<>(hostPorts)
              .entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", "));
      return "place "
          + replicaId
          + " on "
          + nodeId
          + " (generation "
          + generation
          + (ports.isEmpty() ? "" : ", ports " + ports)
          + (replaces == null ? "" : ", replacing " + replaces)
          + "): "
          + reason;
    }
  }

  /** Delete replica {@code replicaId} (its container, its endpoints) from {@code nodeId}. */
  record Remove(String replicaId, String service, String nodeId, String reason)
      implements SchedulerAction {
    public Remove {
      Objects.requireNonNull(replicaId, "replicaId");
    }

    @Override
    public String describe() {
      return "remove " + replicaId + " from " + nodeId + ": " + reason;
    }
  }
}
