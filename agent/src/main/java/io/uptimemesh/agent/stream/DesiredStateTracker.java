package io.uptimemesh.agent.stream;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The agent's current desired state and how stream events change it (pure: no I/O). A full document
 * replaces it; {@code unchanged} re-stamps it with the stream's revision so later patches chain; a
 * patch applies only to the revision it was made against. Anything that does not fit asks for a
 * resync: the stream is reopened without the digest, so the server sends the whole document.
 */
public final class DesiredStateTracker {
  /** What an event did. */
  public enum Outcome {
    /** The content changed: persist and reconcile. */
    CHANGED,
    /** Only the revision changed (unchanged, or an empty patch): persist. */
    RESTAMPED,
    /** Not applicable: reconnect without the digest. */
    RESYNC
  }

  private final String nodeId;
  private Optional<DesiredState> current;

  public DesiredStateTracker(String nodeId, Optional<DesiredState> start) {
    this.nodeId = nodeId;
    this.current = start;
  }

  public Optional<DesiredState> current() {
    return current;
  }

  /** The query that resumes a stream: digest and revision of what the agent holds. */
  public String resumeQuery() {
    return current.map(s -> "digest=" + s.digest() + "&revision=" + s.revision()).orElse("");
  }

  /** Applies one stream event. */
  public Outcome apply(SseEvent event) {
    byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
    try {
      switch (event.type()) {
        case "desired-state" -> {
          return replace(DesiredState.parse(data));
        }
        case "unchanged" -> {
          OptionalLong revision = event.revision();
          if (current.isEmpty() || revision.isEmpty()) {
            return Outcome.RESYNC;
          }
          current = Optional.of(current.get().withRevision(revision.getAsLong()));
          return Outcome.RESTAMPED;
        }
        case "patch" -> {
          if (current.isEmpty()) {
            return Outcome.RESYNC;
          }
          DesiredStatePatch patch = DesiredStatePatch.parse(data);
          DesiredState before = current.get();
          DesiredState after = patch.applyTo(before);
          current = Optional.of(after);
          return after.digest().equals(before.digest()) ? Outcome.RESTAMPED : Outcome.CHANGED;
        }
        default -> {
          return Outcome.RESTAMPED;
        }
      }
    } catch (UptimeMeshException e) {
      return Outcome.RESYNC;
    }
  }

  /**
   * Takes a whole document (stream or full fetch).
   *
   * @return CHANGED if its content differs, RESTAMPED if only the revision does, RESYNC if it is
   *     for another node
   */
  public Outcome replace(DesiredState state) {
    if (!state.nodeId().equals(nodeId)) {
      return Outcome.RESYNC;
    }
    boolean same = current.map(c -> c.digest().equals(state.digest())).orElse(false);
    current = Optional.of(state);
    return same ? Outcome.RESTAMPED : Outcome.CHANGED;
  }
}
