package io.uptimemesh.agent.workloads;

import io.uptimemesh.agent.state.ChecksummedFile;
import io.uptimemesh.core.workload.WorkloadsDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last workloads document the agent accepted, in {@code <data dir>/workloads.json}: an agent
 * started while the control plane is down still runs its replicas (and does not delete their
 * containers as undesired). Blocking file work: call on a worker.
 */
public final class WorkloadsFile {
  private final ChecksummedFile file;

  public WorkloadsFile(Path dataDir) {
    this.file = new ChecksummedFile(dataDir.resolve("workloads.json"), "workloads document");
  }

  public Path file() {
    return file.file();
  }

  public void save(WorkloadsDocument document) throws IOException {
    file.save(new String(document.toJson(), StandardCharsets.UTF_8));
  }

  /** The stored document if it is this node's and valid (else logged and empty). */
  public Optional<WorkloadsDocument> load(String nodeId) {
    Optional<String> text = file.load();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      WorkloadsDocument document =
          WorkloadsDocument.parse(text.get().getBytes(StandardCharsets.UTF_8));
      if (!document.nodeId().equals(nodeId)) {
        file.ignored("is for node " + document.nodeId() + ", not " + nodeId);
        return Optional.empty();
      }
      return Optional.of(document);
    } catch (RuntimeException e) {
      file.ignored("is unreadable (" + e.getMessage() + ")");
      return Optional.empty();
    }
  }
}
