package io.uptimemesh.agent.workloads;

import io.uptimemesh.agent.state.NodeDocumentFile;
import io.uptimemesh.core.workload.WorkloadsDocument;
import java.nio.file.Path;

/**
 * The last workloads document the agent accepted, in {@code <data dir>/workloads.json}: an agent
 * started while the control plane is down still runs its replicas (and does not delete their
 * containers as undesired). Blocking file work: call on a worker.
 */
final class WorkloadsFile {
  private WorkloadsFile() {}

  static NodeDocumentFile<WorkloadsDocument> in(Path dataDir) {
    return new NodeDocumentFile<>(
        dataDir.resolve("workloads.json"),
        "workloads document",
        WorkloadsDocument::parse,
        WorkloadsDocument::toJson,
        WorkloadsDocument::nodeId);
  }
}
