package io.uptimemesh.agent.stream;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one server-sent event stream from the control plane open: connects with the query its
 * {@link Handler} gives (the resume digest of what it holds), hands it every event, and reconnects
 * with backoff whenever the stream ends, fails, is refused (404, 409, 5xx) or carries an event the
 * handler cannot apply. Every {@code resync} it also fetches the whole document with a plain GET,
 * the safety net for anything a stream could miss. A stream without a byte for {@link
 * #IDLE_TIMEOUT} is dead (the server sends a keep-alive every 15 s). Runs on the agent's context;
 * stops on {@link #stop()}. Used by the desired-state stream (ADR 0012) and the discovery stream
 * (ADR 0013).
 */
public final class EventStreamClient {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamClient.class);

  /** A stream without a byte for this long is dead: the server sends a keep-alive every 15 s. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(45);

  private static final int MAX_LINE = 4 * 1024 * 1024;

  /** What a stream carries, and how it resumes. Called on the agent's context. */
  public interface Handler {
    /** The query the stream is (re)opened with, without {@code ?}; empty for none. */
    String streamQuery();

    /**
     * One event.
     *
     * @return false if it does not apply: the stream is closed and reopened after a backoff delay
     *     (the handler changes its {@link #streamQuery()} first if it must, e.g. drops the digest)
     */
    boolean event(SseEvent event);

    /** The body of a 200 answer to the full fetch. */
    void fetched(byte[] body);
  }

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final String name;
  private final String streamPath;
  private final String fetchPath;
  private final Duration resync;
  private final Backoff backoff;
  private final Handler handler;

  private boolean stopped = true;
  private HttpClientResponse open;
  private long reconnectTimer = -1;
  private long resyncTimer = -1;
  private long connects;

  /**
   * @param name what the stream carries, for log lines
   * @param streamPath the stream's path, without query
   * @param fetchPath the full fetch's path, query included
   */
  public EventStreamClient(
      Vertx vertx,
      ControlPlaneClient client,
      String name,
      String streamPath,
      String fetchPath,
      Duration resync,
      Backoff backoff,
      Handler handler) {
    this.vertx = vertx;
    this.client = client;
    this.name = name;
    this.streamPath = streamPath;
    this.fetchPath = fetchPath;
    this.resync = resync;
    this.backoff = backoff;
    this.handler = handler;
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

  /** Whether a stream is open right now. */
  public boolean isOpen() {
    return open != null;
  }

  /** Fetches the whole document once. */
  public void fullFetch() {
    if (stopped) {
      return;
    }
    client
        .signed(HttpMethod.GET, fetchPath, null)
        .onSuccess(
            r -> {
              if (r.status() != 200) {
                LOG.debug("full {} fetch answered {}: {}", name, r.status(), r.text());
                return;
              }
              handler.fetched(r.body().getBytes());
            });
  }

  private void connect() {
    if (stopped) {
      return;
    }
    client
        .openStream(streamPath, handler.streamQuery(), IDLE_TIMEOUT)
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
                  LOG.debug("{} stream refused: {}", name, refused.getMessage());
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
              if (!handler.event(event)) {
                LOG.info("{} {} event does not apply: reconnecting", name, event.type());
                closeAndReconnect(response);
                return;
              }
              backoff.reset();
            },
            MAX_LINE);
    response.handler(
        chunk -> {
          try {
            parser.feed(chunk.getBytes());
          } catch (IllegalStateException e) {
            LOG.warn("{} stream broken: {}", name, e.getMessage());
            closeAndReconnect(response);
          }
        });
    response.exceptionHandler(
        e -> {
          if (open == response) {
            LOG.debug("{} stream failed: {}", name, e.getMessage());
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
