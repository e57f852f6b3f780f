package io.uptimemesh.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.config.AtomicFiles;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.mesh.DesiredState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last desired state the agent accepted, in {@code <data dir>/desired-state.json}: an agent
 * restarted while no core node answers starts from it. The document is stored as a JSON string
 * beside the SHA-256 of its exact bytes, so the check does not depend on how a parser re-serialises
 * it; the file is replaced atomically, so a crash leaves the old or the new one. A file that fails
 * the check is ignored with one WARNING (the agent then waits for the control plane). Blocking file
 * work: call on a worker.
 */
public final class DesiredStateFile {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateFile.class);

  private final Path file;

  public DesiredStateFile(Path dataDir) {
    this.file = dataDir.resolve("desired-state.json");
  }

  public Path file() {
    return file;
  }

  /** Writes {@code state} atomically. */
  public void save(DesiredState state) throws IOException {
    String document = state.toJsonText();
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("sha256", sha256(document));
    root.put("document", document);
    AtomicFiles.write(file, Json.mapper().writeValueAsBytes(root));
  }

  /**
   * Reads the file.
   *
   * @param nodeId the node the agent runs as: a state for another node is ignored too
   * @return the state, empty if there is none or it fails the check (logged)
   */
  public Optional<DesiredState> load(String nodeId) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("cannot read the persisted desired state {}: {}; ignoring it", file, e.getMessage());
      return Optional.empty();
    }
    try {
      JsonNode root = Json.mapper().readTree(bytes);
      String document = root.path("document").asText(null);
      String checksum = root.path("sha256").asText("");
      if (document == null || !checksum.equals(sha256(document))) {
        LOG.warn("the persisted desired state {} fails its checksum; ignoring it", file);
        return Optional.empty();
      }
      DesiredState state = DesiredState.parse(document.getBytes(StandardCharsets.UTF_8));
      if (!state.nodeId().equals(nodeId)) {
        LOG.warn(
            "the persisted desired state {} is for node {}, not {}; ignoring it",
            file,
            state.nodeId(),
            nodeId);
        return Optional.empty();
      }
      return Optional.of(state);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "the persisted desired state {} is unreadable ({}); ignoring it", file, e.getMessage());
      return Optional.empty();
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
