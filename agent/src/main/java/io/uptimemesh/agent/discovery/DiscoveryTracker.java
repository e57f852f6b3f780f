package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The agent's current discovery document and how stream events change it (pure: no I/O). A whole
 * document ({@code discovery}) replaces it; {@code unchanged} re-stamps it with the stream's
 * revision. A document for another node, or one without the zone part the agent asked for, does not
 * apply: the stream is reopened without the digest.
 */
public final class DiscoveryTracker {
  /** What an event did. */
  public enum Outcome {
    /** The content changed: persist, probe and render. */
    CHANGED,
    /** Only the revision changed. */
    RESTAMPED,
    /** Not applicable: reconnect without the digest. */
    RESYNC
  }

  private final String nodeId;
  private final boolean withZone;
  private Optional<DiscoveryDocument> current;

  /**
   * @param withZone whether the agent asks for the zone part (discovery enabled on this node)
   */
  public DiscoveryTracker(String nodeId, boolean withZone, Optional<DiscoveryDocument> start) {
    this.nodeId = nodeId;
    this.withZone = withZone;
    this.current = start.filter(this::fits);
  }

  public Optional<DiscoveryDocument> current() {
    return current;
  }

  /** {@code zone=true} when the zone part is wanted, and the digest of what the agent holds. */
  public String query(boolean withDigest) {
    StringBuilder q = new StringBuilder();
    if (withZone) {
      q.append("zone=true");
    }
    if (withDigest && current.isPresent()) {
      q.append(q.length() == 0 ? "" : "&").append("digest=").append(current.get().digest());
    }
    return q.toString();
  }

  /** Applies one stream event; other event types change nothing. */
  public Outcome apply(SseEvent event) {
    byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
    try {
      switch (event.type()) {
        case "discovery" -> {
          return replace(DiscoveryDocument.parse(data));
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
  public Outcome replace(DiscoveryDocument document) {
    if (!fits(document)) {
      return Outcome.RESYNC;
    }
    boolean same = current.map(c -> c.digest().equals(document.digest())).orElse(false);
    current = Optional.of(document);
    return same ? Outcome.RESTAMPED : Outcome.CHANGED;
  }

  private boolean fits(DiscoveryDocument document) {
    return document.nodeId().equals(nodeId) && (!withZone || document.zone() != null);
  }
}
