package io.uptimemesh.web.discovery;

import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
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

  private final Vertx vertx;
  private final Context context;
  private final HttpServerResponse response;
  private final String nodeId;
  private final boolean withZone;
  private final Consumer<DiscoveryStream> onEnd;

  /** The view of the last event (or of the first), null before {@link #start}. */
  private DiscoveryView view;

  /** The latest view handed over before {@link #start}. */
  private DiscoveryView pending;

  /** The digest of the last document the client has. */
  private String digest;

  private long timer = -1;
  private boolean ended;

  DiscoveryStream(
      Vertx vertx,
      HttpServerResponse response,
      String nodeId,
      boolean withZone,
      Consumer<DiscoveryStream> onEnd) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.response = response;
    this.nodeId = nodeId;
    this.withZone = withZone;
    this.onEnd = onEnd;
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
      return Optional.of(new First(view, digest, "discovery", json(view.documentOf(nodeId, zone))));
    }
  }

  static String json(DiscoveryDocument doc) {
    return new String(doc.toJson(), StandardCharsets.UTF_8);
  }

  /** Sends the first event and starts the keep-alives. On the request's context. */
  void start(First first, Duration keepAlive) {
    view = first.view();
    digest = first.digest();
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> release());
    response.exceptionHandler(t -> release());
    // Room for a few whole documents: a client still reading one is not "too slow" yet.
    response.setWriteQueueMaxSize(Math.max(1 << 20, 4 * first.data().length()));
    write(first.event(), first.view().revision(), first.data());
    timer = vertx.setPeriodic(keepAlive.toMillis(), id -> writeRaw(": keep-alive\n\n"));
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
    context.runOnContext(v -> endNow());
  }

  private void apply(DiscoveryView to) {
    if (view == null) {
      if (pending == null || to.revision() > pending.revision()) {
        pending = to;
      }
      return;
    }
    if (ended || to.revision() <= view.revision()) {
      return;
    }
    view = to;
    Optional<DiscoveryView.NodeEntry> node = to.node(nodeId);
    if (node.isEmpty() || node.get().revoked()) {
      log.info("node {} is gone or revoked: ending its discovery stream", nodeId);
      endNow();
      return;
    }
    String now = to.digestOf(nodeId, withZone);
    if (now.equals(digest)) {
      return;
    }
    digest = now;
    write("discovery", to.revision(), json(to.documentOf(nodeId, withZone)));
  }

  private void write(String event, long revision, String json) {
    // Jackson writes the document on one line, so one data line carries it.
    writeRaw("event: " + event + "\nid: " + revision + "\ndata: " + json + "\n\n");
  }

  private void writeRaw(String chunk) {
    if (ended || response.ended() || response.closed()) {
      release();
      return;
    }
    if (response.writeQueueFull()) {
      log.info("node {} reads its discovery stream too slowly: ending it", nodeId);
      endNow();
      return;
    }
    response.write(Buffer.buffer(chunk));
  }

  private void endNow() {
    if (!ended && !response.ended() && !response.closed()) {
      response.end();
    }
    release();
  }

  private void release() {
    if (ended) {
      return;
    }
    ended = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    onEnd.accept(this);
  }
}
