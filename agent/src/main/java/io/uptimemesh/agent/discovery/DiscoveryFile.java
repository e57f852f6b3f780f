package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.state.NodeDocumentFile;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last discovery document the agent accepted, in {@code <data dir>/discovery.json}: an agent
 * started while the control plane is down still probes its endpoints and writes its zone. Blocking
 * file work: call on a worker.
 */
public final class DiscoveryFile {
  private final NodeDocumentFile<DiscoveryDocument> file;

  public DiscoveryFile(Path dataDir) {
    this.file =
        new NodeDocumentFile<>(
            dataDir.resolve("discovery.json"),
            "discovery document",
            DiscoveryDocument::parse,
            DiscoveryDocument::toJson,
            DiscoveryDocument::nodeId);
  }

  public Path file() {
    return file.file();
  }

  public void save(DiscoveryDocument document) throws IOException {
    file.save(document);
  }

  /** Saves on a worker, in order; a failure is logged. */
  public void saveInBackground(io.vertx.core.Vertx vertx, DiscoveryDocument document) {
    file.saveInBackground(vertx, document);
  }

  /** The stored document if it is this node's and valid (else logged and empty). */
  public Optional<DiscoveryDocument> load(String nodeId) {
    return file.load(nodeId);
  }
}
