package io.uptimemesh.web.events;

import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.etcd.events.EventEntry;
import io.uptimemesh.etcd.events.EventLog;
import io.uptimemesh.etcd.events.EventSubscription;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open {@code text/event-stream} response: events from an etcd watch written as they come,
 * comments as heartbeats, and everything released when the client goes away, the server stops, or
 * the client reads too slowly (the write queue is full: the stream ends and the client resumes with
 * {@code Last-Event-ID} instead of this node buffering without bound).
 *
 * <p>Runs on the request's event-loop context: the feed delivers there, and so do the timers.
 */
final class EventStream {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final Set<EventCategory> categories;
  private final Duration heartbeat;
  private final Consumer<EventStream> onEnd;
  private final io.vertx.core.Context context;
  private EventSubscription subscription;
  private long timer = -1;
  private boolean ended;

  EventStream(
      Vertx vertx,
      HttpServerResponse response,
      Set<EventCategory> categories,
      Duration heartbeat,
      Consumer<EventStream> onEnd) {
    this.vertx = vertx;
    this.response = response;
    this.categories = categories;
    this.heartbeat = heartbeat;
    this.onEnd = onEnd;
    this.context = vertx.getOrCreateContext();
  }

  void start(Duration reconnect, EventLog eventLog, long after) {
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
    response.closeHandler(v -> release());
    response.exceptionHandler(t -> release());
    // Sent at once, so the client knows the stream is open before the first event.
    response.write("retry: " + reconnect.toMillis() + "\n: connected\n\n");
    subscription = eventLog.follow(after, this::send);
    timer = vertx.setPeriodic(heartbeat.toMillis(), id -> write(": keep-alive\n\n"));
  }

  /** Ends the response (the client reconnects and resumes); safe from any thread. */
  void end() {
    context.runOnContext(
        v -> {
          if (!ended && !response.ended() && !response.closed()) {
            response.end();
          }
          release();
        });
  }

  private void send(EventEntry entry) {
    if (!categories.isEmpty()
        && categories.stream().noneMatch(c -> c.wireName().equals(entry.event().category()))) {
      return;
    }
    // The JSON is one line (control characters are escaped), so one data line carries it.
    write("id: " + entry.revision() + "\ndata: " + EventJson.of(entry).encode() + "\n\n");
  }

  private void write(String chunk) {
    if (ended || response.ended() || response.closed()) {
      release();
      return;
    }
    if (response.writeQueueFull()) {
      log.info("event stream client reads too slowly: ending its stream (it can resume)");
      end();
      return;
    }
    response.write(chunk);
  }

  private void release() {
    if (ended) {
      return;
    }
    ended = true;
    if (subscription != null) {
      subscription.close();
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    onEnd.accept(this);
  }
}
