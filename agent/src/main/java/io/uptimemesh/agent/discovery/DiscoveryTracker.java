package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.stream.DocumentTracker;
import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import java.util.Optional;

/**
 * The agent's current discovery document and how stream events change it (pure: no I/O), a {@link
 * DocumentTracker} of discovery documents. A whole document ({@code discovery}) replaces it; {@code
 * unchanged} re-stamps it with the stream's revision. A document for another node, or one without
 * the zone part the agent asked for, does not apply: the stream is reopened without the digest.
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

  static final DocumentTracker.Kind<DiscoveryDocument> KIND =
      new DocumentTracker.Kind<>(
          "discovery",
          DiscoveryDocument::parse,
          DiscoveryDocument::digest,
          DiscoveryDocument::withRevision);

  private final boolean withZone;
  private final DocumentTracker<DiscoveryDocument> tracker;

  /**
   * @param withZone whether the agent asks for the zone part (discovery enabled on this node)
   */
  public DiscoveryTracker(String nodeId, boolean withZone, Optional<DiscoveryDocument> start) {
    this.withZone = withZone;
    this.tracker =
        new DocumentTracker<>(
            KIND, d -> d.nodeId().equals(nodeId) && (!withZone || d.zone() != null), start);
  }

  public Optional<DiscoveryDocument> current() {
    return tracker.current();
  }

  /** {@code zone=true} when the zone part is wanted, and the digest of what the agent holds. */
  public String query(boolean withDigest) {
    String digest = tracker.digestQuery(withDigest);
    if (!withZone) {
      return digest;
    }
    return digest.isEmpty() ? "zone=true" : "zone=true&" + digest;
  }

  /** Applies one stream event; other event types change nothing. */
  public Outcome apply(SseEvent event) {
    return Outcome.valueOf(tracker.apply(event).name());
  }

  /** Takes a whole document (stream or full fetch). */
  public Outcome replace(DiscoveryDocument document) {
    return Outcome.valueOf(tracker.replace(document).name());
  }
}
