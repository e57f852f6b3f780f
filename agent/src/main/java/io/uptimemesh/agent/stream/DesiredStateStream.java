package io.uptimemesh.agent.stream;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.core.mesh.DesiredState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the desired-state stream open (ADR 0012): connects with the digest and revision of what it
 * holds, feeds events to the {@link DesiredStateTracker}, and reconnects with backoff whenever the
 * stream ends, fails or carries a patch that does not apply (then without the digest, to get the
 * whole document). Every {@code resync} it also fetches the whole document with a plain GET, the
 * safety net for anything a stream could miss. Runs on the agent's context; stops on {@link
 * #stop()}.
 */
public final class DesiredStateStream {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateStream.class);

  /** A stream without a byte for this long is dead: the server sends a keep-alive every 15 s. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(45);

  private static final int MAX_LINE = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final DesiredStateTracker tracker;
  private final String path;
  private final Duration resync;
  private final BiConsumer<DesiredState, DesiredStateTracker.Outcome> listener;
  private final Backoff backoff;

  private boolean stopped = true;
  private boolean withDigest = true;
  private HttpClientResponse open;
  private long reconnectTimer = -1;
  private long resyncTimer = -1;
  private long connects;

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
    this.vertx = vertx;
    this.client = client;
    this.tracker = tracker;
    this.path = "/api/v1/nodes/" + nodeId + "/desired-state";
    this.resync = resync;
    this.backoff = backoff;
    this.listener = listener;
  }

  /** Connects now and starts the resync timer. Call on the agent's context. */
  public void start() {
    if (!stopped) {
      return;
    }
    stopped = false;
    connect();
    resyncTimer = vertx.setPeriodic(resync.toMillis(), id -> fullFetch());
  }

  /** Closes the stream and cancels every timer. */
  public void stop() {
    stopped = true;
    vertx.cancelTimer(reconnectTimer);
    vertx.cancelTimer(resyncTimer);
    if (open != null) {
      open.request().reset();
      open = null;
    }
  }

  /** How many times the stream was opened (status, tests). */
  public long connects() {
    return connects;
  }

  /** Fetches the whole document once (GET .../desired-state). */
  public void fullFetch() {
    if (stopped) {
      return;
    }
    client
        .signed(HttpMethod.GET, path, null)
        .onSuccess(
            r -> {
              if (r.status() != 200) {
                LOG.debug("full desired-state fetch answered {}: {}", r.status(), r.text());
                return;
              }
              try {
                DesiredState state = DesiredState.parse(r.body().getBytes());
                boolean older =
                    tracker.current().map(c -> c.revision() > state.revision()).orElse(false);
                if (older) {
                  return;
                }
                DesiredStateTracker.Outcome outcome = tracker.replace(state);
                if (outcome != DesiredStateTracker.Outcome.RESYNC) {
                  listener.accept(state, outcome);
                }
              } catch (RuntimeException e) {
                LOG.warn(
                    "the full desired-state fetch returned no valid document: {}", e.getMessage());
              }
            });
  }

  private void connect() {
    if (stopped) {
      return;
    }
    String query = withDigest ? tracker.resumeQuery() : "";
    client
        .openStream(path + "/stream", query, IDLE_TIMEOUT)
        .onComplete(
            ar -> {
              if (stopped) {
                if (ar.succeeded()) {
                  ar.result().request().reset();
                }
                return;
              }
              if (ar.failed()) {
                if (ar.cause() instanceof ControlPlaneClient.StreamRefused refused) {
                  LOG.debug("desired-state stream refused: {}", refused.getMessage());
                }
                scheduleReconnect();
                return;
              }
              read(ar.result());
            });
  }

  private void read(HttpClientResponse response) {
    connects++;
    open = response;
    SseParser parser =
        new SseParser(
            event -> {
              if (open != response) {
                return;
              }
              DesiredStateTracker.Outcome outcome = tracker.apply(event);
              if (outcome == DesiredStateTracker.Outcome.RESYNC) {
                LOG.info(
                    "desired-state {} event does not apply: fetching the whole document",
                    event.type());
                withDigest = false;
                closeAndReconnect(response);
                return;
              }
              withDigest = true;
              backoff.reset();
              if (event.type().equals("desired-state")
                  || event.type().equals("unchanged")
                  || event.type().equals("patch")) {
                listener.accept(tracker.current().orElseThrow(), outcome);
              }
            },
            MAX_LINE);
    response.handler(
        chunk -> {
          try {
            parser.feed(chunk.getBytes());
          } catch (IllegalStateException e) {
            LOG.warn("desired-state stream broken: {}", e.getMessage());
            closeAndReconnect(response);
          }
        });
    response.exceptionHandler(
        e -> {
          if (open == response) {
            LOG.debug("desired-state stream failed: {}", e.getMessage());
            closeAndReconnect(response);
          }
        });
    response.endHandler(
        v -> {
          if (open == response) {
            closeAndReconnect(response);
          }
        });
  }

  private void closeAndReconnect(HttpClientResponse response) {
    if (open == response) {
      open = null;
      response.request().reset();
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    if (stopped) {
      return;
    }
    vertx.cancelTimer(reconnectTimer);
    long delay = backoff.next().toMillis();
    reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
  }
}
