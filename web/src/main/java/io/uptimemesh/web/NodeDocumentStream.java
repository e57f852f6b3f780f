package io.uptimemesh.web;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's open per-node document stream: {@code event: <kind>} with the whole document whenever
 * its digest changes, {@code event: unchanged} first when the client's digest matches, {@code :
 * keep-alive} comments. Everything runs on the request's context. It ends when the node is revoked
 * or removed, when the client reads too slowly, or when the server stops; the agent then reconnects
 * and resumes with its digest.
 *
 * @param <V> the view type
 */
public final class NodeDocumentStream<V extends NodeDocumentView> {
  private static final Logger log = LoggerFactory.getLogger(NodeDocumentStream.class);

  private final Context context;
  private final SseChannel channel;
  private final String nodeId;
  private final String kind;
  private final String variant;

  /** The view of the last event (or of the first), null before {@link #start}. */
  private V view;

  /** The latest view handed over before {@link #start}. */
  private V pending;

  /** The digest of the last document the client has. */
  private String digest;

  /**
   * @param kind the event name of a whole document, e.g. {@code workloads}
   */
  public NodeDocumentStream(
      Vertx vertx,
      HttpServerResponse response,
      String nodeId,
      String kind,
      String variant,
      Consumer<NodeDocumentStream<V>> onEnd) {
    this.context = vertx.getOrCreateContext();
    this.channel =
        new SseChannel(
            vertx, response, "node " + nodeId + "'s " + kind + " stream", () -> onEnd.accept(this));
    this.nodeId = nodeId;
    this.kind = kind;
    this.variant = variant;
  }

  /**
   * The first event, prepared off the event loop.
   *
   * @param event the kind or {@code unchanged}
   */
  public record First<V>(V view, String digest, String event, String data) {
    /** Empty if the node is unknown to the view. */
    public static <V extends NodeDocumentView> Optional<First<V>> of(
        V view, String nodeId, String kind, String variant, String clientDigest) {
      if (!view.knows(nodeId)) {
        return Optional.empty();
      }
      String digest = view.digestOf(nodeId, variant);
      if (clientDigest != null && clientDigest.equalsIgnoreCase(digest)) {
        return Optional.of(
            new First<>(view, digest, "unchanged", "{\"revision\":" + view.revision() + "}"));
      }
      return Optional.of(new First<>(view, digest, kind, view.documentJson(nodeId, variant)));
    }
  }

  /** Sends the first event and starts the keep-alives. On the request's context. */
  public void start(First<V> first, Duration keepAlive) {
    view = first.view();
    digest = first.digest();
    // Room for a few whole documents: a client still reading one is not "too slow" yet.
    channel.open(keepAlive, Math.max(1 << 20, 4 * first.data().length()));
    channel.event(first.event(), first.view().revision(), first.data());
    if (pending != null && pending.revision() > view.revision()) {
      apply(pending);
    }
    pending = null;
  }

  /** Moves to {@code to}; safe from any thread. */
  void advance(V to) {
    context.runOnContext(v -> apply(to));
  }

  /** Ends the response (the client reconnects and resumes); safe from any thread. */
  void end() {
    context.runOnContext(v -> channel.end());
  }

  private void apply(V to) {
    if (view == null) {
      if (pending == null || to.revision() > pending.revision()) {
        pending = to;
      }
      return;
    }
    if (channel.ended() || to.revision() <= view.revision()) {
      return;
    }
    view = to;
    if (to.ended(nodeId)) {
      log.info("node {} is gone or revoked: ending its {} stream", nodeId, kind);
      channel.end();
      return;
    }
    String now = to.digestOf(nodeId, variant);
    if (now.equals(digest)) {
      return;
    }
    digest = now;
    channel.event(kind, to.revision(), to.documentJson(nodeId, variant));
  }
}
