package io.uptimemesh.web.mesh;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.web.SseChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's open desired-state stream. Everything it does runs on its request's context: the hub
 * hands it each new view there, so a thousand streams spread over the event loops and none waits
 * for another's socket. It ends (and the agent reconnects and resumes with its digest) when the
 * client reads too slowly, the node is revoked or removed, or the server stops.
 */
final class DesiredStateStream {
  private static final Logger log = LoggerFactory.getLogger(DesiredStateStream.class);

  private final Context context;
  private final SseChannel channel;
  private final String nodeId;
  private MeshView view;

  /** The latest view handed over before {@link #start}; confined to the context. */
  private MeshView pending;

  /** The revision of the last event sent: the base of the next patch. */
  private long lastRevision;

  DesiredStateStream(
      Vertx vertx, HttpServerResponse response, String nodeId, Consumer<DesiredStateStream> onEnd) {
    this.context = vertx.getOrCreateContext();
    this.channel =
        new SseChannel(
            vertx,
            response,
            "node " + nodeId + "'s desired-state stream",
            () -> onEnd.accept(this));
    this.nodeId = nodeId;
  }

  String nodeId() {
    return nodeId;
  }

  /**
   * The first event of a stream, prepared off the event loop: a whole document of a thousand peers
   * is a few hundred kilobytes of JSON, and a thousand agents reconnecting at once would otherwise
   * hold the event loop for seconds.
   *
   * @param view the view it was computed from
   * @param revision its revision
   * @param event {@code desired-state} or {@code unchanged}
   * @param data the event's data line
   */
  record First(MeshView view, long revision, String event, String data) {
    /** Computes the first event for {@code nodeId}; empty if it has no document. */
    static Optional<First> of(MeshView view, String nodeId, String clientDigest) {
      return view.stateOf(nodeId)
          .map(
              state ->
                  clientDigest != null && clientDigest.equalsIgnoreCase(state.digest())
                      ? new First(
                          view,
                          state.revision(),
                          "unchanged",
                          "{\"revision\":" + state.revision() + "}")
                      : new First(view, state.revision(), "desired-state", state.toJsonText()));
    }
  }

  /** Sends the first event and starts the keep-alives. On the request's context. */
  void start(First first, Duration keepAlive) {
    view = first.view();
    // Room for the first document and a burst of patches behind it: a client still reading a
    // large first document is not "too slow" yet.
    channel.open(keepAlive, Math.max(1 << 20, 2 * first.data().length()));
    lastRevision = first.revision();
    channel.event(first.event(), first.revision(), first.data());
    if (pending != null && pending.revision() > view.revision()) {
      // Views published while the first event was being prepared.
      apply(pending, null);
    }
    pending = null;
  }

  /** Moves to {@code to}; {@code delta} may be used if it starts at this stream's view. */
  void advance(MeshView to, MeshDelta delta) {
    context.runOnContext(v -> apply(to, delta));
  }

  /** Ends the response (the client reconnects and resumes); safe from any thread. */
  void end() {
    context.runOnContext(v -> channel.end());
  }

  private void apply(MeshView to, MeshDelta delta) {
    if (view == null) {
      if (pending == null || to.revision() > pending.revision()) {
        pending = to; // not started yet: only the latest view matters
      }
      return;
    }
    if (channel.ended() || to.revision() <= view.revision()) {
      return;
    }
    MeshView.NodeEntry before = view.nodes().get(nodeId);
    MeshView.NodeEntry after = to.nodes().get(nodeId);
    if (after == null || after.registration() == null) {
      log.info("node {} is gone or unregistered: ending its desired-state stream", nodeId);
      view = to;
      channel.end();
      return;
    }
    DesiredStatePatch patch;
    boolean scalarsChanged = false;
    if (before == null || !before.sameSelf(after)) {
      // Its own record changed (keys, generation, revocation): plan it again in full; rare.
      Optional<DesiredState> old = view.stateOf(nodeId);
      DesiredState now = to.stateOf(nodeId).orElseThrow();
      DesiredState base =
          old.orElse(
                  new DesiredState(
                      DesiredState.SCHEMA,
                      nodeId,
                      0,
                      false,
                      now.meshIp(),
                      now.meshCidr(),
                      -1,
                      null,
                      null))
              .withRevision(lastRevision);
      patch = DesiredStatePatch.between(base, now);
      scalarsChanged =
          base.member() != now.member()
              || !base.meshIp().equals(now.meshIp())
              || base.wgKeyGeneration() != now.wgKeyGeneration();
    } else {
      MeshDelta d = delta != null && delta.from() == view ? delta : MeshDelta.between(view, to);
      patch = d.patchFor(after, lastRevision);
    }
    view = to;
    if (!patch.isEmpty() || scalarsChanged) {
      channel.event("patch", to.revision(), new String(patch.toJson(), StandardCharsets.UTF_8));
      lastRevision = to.revision();
    }
    if (after.revoked()) {
      log.info("node {} is revoked: ending its desired-state stream", nodeId);
      channel.end();
    }
  }
}
