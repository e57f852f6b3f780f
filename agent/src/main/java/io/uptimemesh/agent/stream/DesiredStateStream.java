package io.uptimemesh.agent.stream;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.core.mesh.DesiredState;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the desired-state stream open (ADR 0012) with an {@link EventStreamClient}: connects with
 * the digest and revision of what it holds, feeds events to the {@link DesiredStateTracker}, and
 * reconnects with backoff whenever the stream ends, fails or carries a patch that does not apply
 * (then without the digest, to get the whole document). Every {@code resync} it also fetches the
 * whole document. Runs on the agent's context; stops on {@link #stop()}.
 */
public final class DesiredStateStream implements EventStreamClient.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateStream.class);

  private final DesiredStateTracker tracker;
  private final BiConsumer<DesiredState, DesiredStateTracker.Outcome> listener;
  private final EventStreamClient stream;
  private boolean withDigest = true;

  /**
   * @param listener told of every change of the tracker's state (CHANGED or RESTAMPED)
   */
  public DesiredStateStream(
      Vertx vertx,
      ControlPlaneClient client,
      DesiredStateTracker tracker,
      String nodeId,
      Duration resync,
      Backoff backoff,
      BiConsumer<DesiredState, DesiredStateTracker.Outcome> listener) {
    this.tracker = tracker;
    this.listener = listener;
    String path = "/api/v1/nodes/" + nodeId + "/desired-state";
    this.stream =
        new EventStreamClient(
            vertx, client, "desired-state", path + "/stream", path, resync, backoff, this);
  }

  /** Connects now and starts the resync timer. Call on the agent's context. */
  public void start() {
    stream.start();
  }

  /** Closes the stream and cancels every timer. */
  public void stop() {
    stream.stop();
  }

  /** How many times the stream was opened (status, tests). */
  public long connects() {
    return stream.connects();
  }

  /** Fetches the whole document once (GET .../desired-state). */
  public void fullFetch() {
    stream.fullFetch();
  }

  @Override
  public String streamQuery() {
    return withDigest ? tracker.resumeQuery() : "";
  }

  @Override
  public boolean event(SseEvent event) {
    DesiredStateTracker.Outcome outcome = tracker.apply(event);
    if (outcome == DesiredStateTracker.Outcome.RESYNC) {
      LOG.info("desired-state {} event does not apply: fetching the whole document", event.type());
      withDigest = false;
      return false;
    }
    withDigest = true;
    if (event.type().equals("desired-state")
        || event.type().equals("unchanged")
        || event.type().equals("patch")) {
      listener.accept(tracker.current().orElseThrow(), outcome);
    }
    return true;
  }

  @Override
  public void fetched(byte[] body) {
    try {
      DesiredState state = DesiredState.parse(body);
      boolean older = tracker.current().map(c -> c.revision() > state.revision()).orElse(false);
      if (older) {
        return;
      }
      DesiredStateTracker.Outcome outcome = tracker.replace(state);
      if (outcome != DesiredStateTracker.Outcome.RESYNC) {
        listener.accept(state, outcome);
      }
    } catch (RuntimeException e) {
      LOG.warn("the full desired-state fetch returned no valid document: {}", e.getMessage());
    }
  }
}
