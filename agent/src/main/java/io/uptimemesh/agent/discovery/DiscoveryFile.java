package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.state.ChecksummedFile;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last discovery document the agent accepted, in {@code <data dir>/discovery.json}: an agent
 * started while the control plane is down still probes its endpoints and writes its zone. Blocking
 * file work: call on a worker.
 */
public final class DiscoveryFile {
  private final ChecksummedFile file;

  public DiscoveryFile(Path dataDir) {
    this.file = new ChecksummedFile(dataDir.resolve("discovery.json"), "discovery document");
  }

  public Path file() {
    return file.file();
  }

  public void save(DiscoveryDocument document) throws IOException {
    file.save(new String(document.toJson(), StandardCharsets.UTF_8));
  }

  /** The stored document if it is this node's and valid (else logged and empty). */
  public Optional<DiscoveryDocument> load(String nodeId) {
    Optional<String> text = file.load();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      DiscoveryDocument document =
          DiscoveryDocument.parse(text.get().getBytes(StandardCharsets.UTF_8));
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
