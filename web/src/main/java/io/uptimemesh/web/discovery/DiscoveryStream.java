package io.uptimemesh.web.discovery;

import io.uptimemesh.web.SseChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's open discovery stream (ADR 0013): {@code event: discovery} with the whole document
 * whenever its digest changes, {@code event: unchanged} first when the client's digest matches,
 * {@code : keep-alive} comments. Everything runs on the request's context. It ends when the node is
 * revoked or removed, when the client reads too slowly, or when the server stops; the agent then
 * reconnects and resumes with its digest.
 */
final class DiscoveryStream {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryStream.class);

  private final Context context;
  private final SseChannel channel;
  private final String nodeId;
  private final boolean withZone;

  /** The view of the last event (or of the first), null before {@link #start}. */
  private DiscoveryView view;

  /** The latest view handed over before {@link #start}. */
  private DiscoveryView pending;

  /** The digest of the last document the client has. */
  private String digest;

  DiscoveryStream(
      Vertx vertx,
      HttpServerResponse response,
      String nodeId,
      boolean withZone,
      Consumer<DiscoveryStream> onEnd) {
    this.context = vertx.getOrCreateContext();
    this.channel =
        new SseChannel(
            vertx, response, "node " + nodeId + "'s discovery stream", () -> onEnd.accept(this));
    this.nodeId = nodeId;
    this.withZone = withZone;
  }

  /**
   * The first event, prepared off the event loop (a zone of thousands of records is a large JSON).
   *
   * @param event {@code discovery} or {@code unchanged}
   */
  record First(DiscoveryView view, String digest, String event, String data) {
    /** Empty if the node is unknown to the view. */
    static Optional<First> of(
        DiscoveryView view, String nodeId, boolean zone, String clientDigest) {
      if (view.node(nodeId).isEmpty()) {
        return Optional.empty();
      }
      String digest = view.digestOf(nodeId, zone);
      if (clientDigest != null && clientDigest.equalsIgnoreCase(digest)) {
        return Optional.of(
            new First(view, digest, "unchanged", "{\"revision\":" + view.revision() + "}"));
      }
      return Optional.of(new First(view, digest, "discovery", view.documentJson(nodeId, zone)));
    }
  }

  /** Sends the first event and starts the keep-alives. On the request's context. */
  void start(First first, Duration keepAlive) {
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
  void advance(DiscoveryView to) {
    context.runOnContext(v -> apply(to));
  }

  /** Ends the response (the client reconnects and resumes); safe from any thread. */
  void end() {
    context.runOnContext(v -> channel.end());
  }

  private void apply(DiscoveryView to) {
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
    Optional<DiscoveryView.NodeEntry> node = to.node(nodeId);
    if (node.isEmpty() || node.get().revoked()) {
      log.info("node {} is gone or revoked: ending its discovery stream", nodeId);
      channel.end();
      return;
    }
    String now = to.digestOf(nodeId, withZone);
    if (now.equals(digest)) {
      return;
    }
    digest = now;
    channel.event("discovery", to.revision(), to.documentJson(nodeId, withZone));
  }
}
