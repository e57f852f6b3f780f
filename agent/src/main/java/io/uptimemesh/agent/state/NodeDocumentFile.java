package io.uptimemesh.agent.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The last per-node document of one kind the agent accepted (discovery, workloads), kept in a
 * {@link ChecksummedFile}: an agent started while the control plane is down still acts on it. A
 * stored document of another node, or one that does not parse, is ignored with one warning.
 * Blocking file work: call on a worker.
 *
 * @param <D> the document type
 */
public final class NodeDocumentFile<D> {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NodeDocumentFile.class);

  private final ChecksummedFile file;
  private final String what;
  private final Function<byte[], D> parse;
  private final Function<D, byte[]> toJson;
  private final Function<D, String> nodeIdOf;

  /**
   * @param what what the file holds, for log lines ("workloads document")
   * @param parse reads a document, throwing a runtime exception if it cannot
   */
  public NodeDocumentFile(
      Path file,
      String what,
      Function<byte[], D> parse,
      Function<D, byte[]> toJson,
      Function<D, String> nodeIdOf) {
    this.file = new ChecksummedFile(file, what);
    this.what = what;
    this.parse = parse;
    this.toJson = toJson;
    this.nodeIdOf = nodeIdOf;
  }

  public Path file() {
    return file.file();
  }

  public void save(D document) throws IOException {
    file.save(new String(toJson.apply(document), StandardCharsets.UTF_8));
  }

  /**
   * Saves {@code document} on a worker, in the order of the calls (two saves in flight land in the
   * order the documents arrived); a failure is logged, the agent goes on with the document.
   */
  public void saveInBackground(io.vertx.core.Vertx vertx, D document) {
    vertx
        .executeBlocking(
            () -> {
              save(document);
              return null;
            },
            true)
        .onFailure(e -> LOG.warn("cannot persist the {}: {}", what, e.getMessage()));
  }

  /** The stored document if it is this node's and valid (else logged and empty). */
  public Optional<D> load(String nodeId) {
    Optional<String> text = file.load();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      D document = parse.apply(text.get().getBytes(StandardCharsets.UTF_8));
      String owner = nodeIdOf.apply(document);
      if (!nodeId.equals(owner)) {
        file.ignored("is for node " + owner + ", not " + nodeId);
        return Optional.empty();
      }
      return Optional.of(document);
    } catch (RuntimeException e) {
      file.ignored("is unreadable (" + e.getMessage() + ")");
      return Optional.empty();
    }
  }
}
