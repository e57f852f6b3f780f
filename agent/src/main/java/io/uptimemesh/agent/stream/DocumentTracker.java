package io.uptimemesh.agent.stream;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The agent's current per-node document of one kind (discovery, workloads) and how stream events
 * change it (pure: no I/O). A whole document (the kind's event) replaces it; {@code unchanged}
 * re-stamps it with the stream's revision. A document that does not fit (another node's, or without
 * a part the agent asked for) or cannot be read does not apply: the stream is reopened without the
 * digest.
 *
 * @param <D> the document type
 */
public final class DocumentTracker<D> {
  /** What an event did. */
  public enum Outcome {
    /** The content changed: persist and act. */
    CHANGED,
    /** Only the revision changed. */
    RESTAMPED,
    /** Not applicable: reconnect without the digest. */
    RESYNC
  }

  /**
   * A document kind.
   *
   * @param event the event name of a whole document
   * @param parse reads one, throwing {@link UptimeMeshException} if it cannot
   * @param digest the digest of its content (the stream's resume token)
   * @param withRevision the same document at another revision
   */
  public record Kind<D>(
      String event,
      Function<byte[], D> parse,
      Function<D, String> digest,
      BiFunction<D, Long, D> withRevision) {}

  private final Kind<D> kind;
  private final Predicate<D> fits;
  private Optional<D> current;

  /**
   * @param fits whether a document applies to this agent (its node, the parts it asked for)
   */
  public DocumentTracker(Kind<D> kind, Predicate<D> fits, Optional<D> start) {
    this.kind = kind;
    this.fits = fits;
    this.current = start.filter(fits);
  }

  public Optional<D> current() {
    return current;
  }

  /** {@code digest=<digest>} of the document held, or empty. */
  public String digestQuery(boolean withDigest) {
    return withDigest && current.isPresent() ? "digest=" + kind.digest().apply(current.get()) : "";
  }

  /** Applies one stream event; other event types change nothing. */
  public Outcome apply(SseEvent event) {
    try {
      if (event.type().equals(kind.event())) {
        return replace(kind.parse().apply(event.data().getBytes(StandardCharsets.UTF_8)));
      }
      if (event.type().equals("unchanged")) {
        OptionalLong revision = event.revision();
        if (current.isEmpty() || revision.isEmpty()) {
          return Outcome.RESYNC;
        }
        current = Optional.of(kind.withRevision().apply(current.get(), revision.getAsLong()));
      }
      return Outcome.RESTAMPED;
    } catch (UptimeMeshException e) {
      return Outcome.RESYNC;
    }
  }

  /** Takes a whole document (stream or full fetch). */
  public Outcome replace(D document) {
    if (!fits.test(document)) {
      return Outcome.RESYNC;
    }
    String digest = kind.digest().apply(document);
    boolean same = current.map(c -> kind.digest().apply(c).equals(digest)).orElse(false);
    current = Optional.of(document);
    return same ? Outcome.RESTAMPED : Outcome.CHANGED;
  }
}
