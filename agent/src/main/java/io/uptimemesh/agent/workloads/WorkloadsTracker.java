package io.uptimemesh.agent.workloads;

import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.workload.WorkloadsDocument;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The agent's current workloads document and how stream events change it (pure: no I/O). A whole
 * document ({@code workloads}) replaces it; {@code unchanged} re-stamps it with the stream's
 * revision. A document for another node or one that cannot be read does not apply: the stream is
 * reopened without the digest.
 */
public final class WorkloadsTracker {
  /** What an event did. */
  public enum Outcome {
    /** The content changed: persist and reconcile. */
    CHANGED,
    /** Only the revision changed. */
    RESTAMPED,
    /** Not applicable: reconnect without the digest. */
    RESYNC
  }

  private final String nodeId;
  private Optional<WorkloadsDocument> current;

  public WorkloadsTracker(String nodeId, Optional<WorkloadsDocument> start) {
    this.nodeId = nodeId;
    this.current = start.filter(d -> d.nodeId().equals(nodeId));
  }

  public Optional<WorkloadsDocument> current() {
    return current;
  }

  /** {@code digest=<digest>} of what the agent holds, or empty. */
  public String query(boolean withDigest) {
    return withDigest && current.isPresent() ? "digest=" + current.get().digest() : "";
  }

  /** Applies one stream event; other event types change nothing. */
  public Outcome apply(SseEvent event) {
    try {
      switch (event.type()) {
        case "workloads" -> {
          return replace(WorkloadsDocument.parse(event.data().getBytes(StandardCharsets.UTF_8)));
        }
        case "unchanged" -> {
          OptionalLong revision = event.revision();
          if (current.isEmpty() || revision.isEmpty()) {
            return Outcome.RESYNC;
          }
          current = Optional.of(current.get().withRevision(revision.getAsLong()));
          return Outcome.RESTAMPED;
        }
        default -> {
          return Outcome.RESTAMPED;
        }
      }
    } catch (UptimeMeshException e) {
      return Outcome.RESYNC;
    }
  }

  /** Takes a whole document (stream or full fetch). */
  public Outcome replace(WorkloadsDocument document) {
    if (!document.nodeId().equals(nodeId)) {
      return Outcome.RESYNC;
    }
    boolean same = current.map(c -> c.digest().equals(document.digest())).orElse(false);
    current = Optional.of(document);
    return same ? Outcome.RESTAMPED : Outcome.CHANGED;
  }
}
