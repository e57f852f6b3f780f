package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.workload.WorkloadsDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a workloads document to what the {@link LxdReconciler} takes (pure): an assignment per
 * runnable replica, and the replicas it must hold as they are, with the reason (their spec is not
 * kept any more, or their ports have no mesh address to listen on).
 *
 * @param assignments the replicas to run
 * @param held replica id → why it is not run as assigned
 */
public record WorkloadAssignments(List<ReplicaAssignment> assignments, Map<String, String> held) {

  /**
   * @param fallbackMeshIp this node's mesh address from its desired state, used when the document
   *     carries none
   */
  public static WorkloadAssignments of(WorkloadsDocument doc, Optional<String> fallbackMeshIp) {
    String meshIp =
        doc.meshAddress() != null && !doc.meshAddress().isBlank()
            ? doc.meshAddress()
            : fallbackMeshIp.orElse(null);
    List<ReplicaAssignment> out = new ArrayList<>();
    Map<String, String> held = new LinkedHashMap<>();
    for (WorkloadsDocument.Replica r : doc.replicas()) {
      if (!r.runnable()) {
        held.put(r.id(), r.error());
        continue;
      }
      if (r.generation() < 1) {
        held.put(r.id(), "generation " + r.generation() + " is not a spec generation");
        continue;
      }
      if (meshIp == null && !r.spec().ports().isEmpty()) {
        held.put(r.id(), "this node has no mesh address yet for the replica's ports");
        continue;
      }
      Optional<ReplicaAssignment.Previous> previous =
          r.previousSpec() == null
              ? Optional.empty()
              : Optional.of(
                  new ReplicaAssignment.Previous(r.previousGeneration(), r.previousSpec()));
      out.add(
          new ReplicaAssignment(
              r.id(),
              r.service(),
              r.generation(),
              r.spec(),
              previous,
              r.hostPorts(),
              meshIp == null ? "" : meshIp,
              r.command()));
    }
    return new WorkloadAssignments(List.copyOf(out), Map.copyOf(held));
  }
}
