package io.uptimemesh.agent.state;

import io.uptimemesh.core.mesh.DesiredState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last desired state the agent accepted, in {@code <data dir>/desired-state.json}: an agent
 * restarted while no core node answers starts from it. A {@link ChecksummedFile}: a file that fails
 * the check is ignored with one WARNING (the agent then waits for the control plane). Blocking file
 * work: call on a worker.
 */
public final class DesiredStateFile {
  private final ChecksummedFile file;

  public DesiredStateFile(Path dataDir) {
    this.file = new ChecksummedFile(dataDir.resolve("desired-state.json"), "desired state");
  }

  public Path file() {
    return file.file();
  }

  /** Writes {@code state} atomically. */
  public void save(DesiredState state) throws IOException {
    file.save(state.toJsonText());
  }

  /**
   * Reads the file.
   *
   * @param nodeId the node the agent runs as: a state for another node is ignored too
   * @return the state, empty if there is none or it fails the check (logged)
   */
  public Optional<DesiredState> load(String nodeId) {
    Optional<String> document = file.load();
    if (document.isEmpty()) {
      return Optional.empty();
    }
    try {
      DesiredState state = DesiredState.parse(document.get().getBytes(StandardCharsets.UTF_8));
      if (!state.nodeId().equals(nodeId)) {
        file.ignored("is for node " + state.nodeId() + ", not " + nodeId);
        return Optional.empty();
      }
      return Optional.of(state);
    } catch (RuntimeException e) {
      file.ignored("is unreadable (" + e.getMessage() + ")");
      return Optional.empty();
    }
  }
}
