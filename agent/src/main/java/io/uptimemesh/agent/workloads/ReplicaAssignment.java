package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.core.workload.WorkloadSpec;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One replica this node must run, as the control plane assigns it (ADR 0014): the generation and
 * its spec, the generation before it (what a failed rollout goes back to), the host ports and the
 * node's mesh address its ports are exposed on.
 *
 * @param replicaId the replica's id, also its container's name
 * @param service the service it belongs to
 * @param generation the spec generation it must run
 * @param spec the spec of that generation
 * @param previous the generation before it and its spec, if the service had one
 * @param hostPorts port name → port on the mesh address; a port missing here uses its container
 *     port
 * @param meshIp this node's mesh address, where the proxy devices listen
 * @param command the latest operator command for the replica's container, or null; carried out once
 *     the container is reconciled, if its sequence number is newer than the last one done
 */
public record ReplicaAssignment(
    String replicaId,
    String service,
    long generation,
    WorkloadSpec spec,
    Optional<Previous> previous,
    Map<String, Integer> hostPorts,
    String meshIp,
    ReplicaCommand command) {

  /**
   * @param generation the generation before the assigned one
   * @param spec its spec
   */
  public record Previous(long generation, WorkloadSpec spec) {
    public Previous {
      Objects.requireNonNull(spec, "spec");
    }
  }

  /** An assignment without operator command. */
  public ReplicaAssignment(
      String replicaId,
      String service,
      long generation,
      WorkloadSpec spec,
      Optional<Previous> previous,
      Map<String, Integer> hostPorts,
      String meshIp) {
    this(replicaId, service, generation, spec, previous, hostPorts, meshIp, null);
  }

  public ReplicaAssignment {
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(meshIp, "meshIp");
    previous = previous == null ? Optional.empty() : previous;
    hostPorts = hostPorts == null ? Map.of() : Map.copyOf(new TreeMap<>(hostPorts));
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be 1 or more, not " + generation);
    }
  }

  /** The same replica moved to another generation; the one it ran becomes the previous. */
  public ReplicaAssignment toGeneration(long newGeneration, WorkloadSpec newSpec) {
    return new ReplicaAssignment(
        replicaId,
        service,
        newGeneration,
        newSpec,
        Optional.of(new Previous(generation, spec)),
        hostPorts,
        meshIp,
        command);
  }
}
