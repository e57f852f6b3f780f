package io.uptimemesh.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.config.AtomicFiles;
import io.uptimemesh.core.json.Json;
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
 * A document the agent keeps across restarts: stored as a JSON string beside the SHA-256 of its
 * exact bytes, so the check does not depend on how a parser re-serialises it; the file is replaced
 * atomically, so a crash leaves the old or the new one. A file that fails the check is ignored with
 * one WARNING. Blocking file work: call on a worker.
 */
public final class ChecksummedFile {
  private static final Logger LOG = LoggerFactory.getLogger(ChecksummedFile.class);

  private final Path file;
  private final String what;

  /**
   * @param what what the file holds, for log lines ("desired state")
   */
  public ChecksummedFile(Path file, String what) {
    this.file = file;
    this.what = what;
  }

  public Path file() {
    return file;
  }

  /** Writes {@code document} atomically. */
  public void save(String document) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("sha256", sha256(document));
    root.put("document", document);
    AtomicFiles.write(file, Json.mapper().writeValueAsBytes(root));
  }

  /**
   * The stored document, empty if there is none or it is unreadable or fails its check (logged).
   */
  public Optional<String> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("cannot read the persisted {} {}: {}; ignoring it", what, file, e.getMessage());
      return Optional.empty();
    }
    try {
      JsonNode root = Json.mapper().readTree(bytes);
      String document = root.path("document").asText(null);
      String checksum = root.path("sha256").asText("");
      if (document == null || !checksum.equals(sha256(document))) {
        LOG.warn("the persisted {} {} fails its checksum; ignoring it", what, file);
        return Optional.empty();
      }
      return Optional.of(document);
    } catch (IOException | RuntimeException e) {
      LOG.warn("the persisted {} {} is unreadable ({}); ignoring it", what, file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Logs why a stored document is not used (wrong node, unparsable). */
  public void ignored(String why) {
    LOG.warn("the persisted {} {} {}; ignoring it", what, file, why);
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
