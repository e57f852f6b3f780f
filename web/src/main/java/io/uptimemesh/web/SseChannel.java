package io.uptimemesh.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plumbing of one server-sent-events response that agents follow: headers, {@code : keep-alive}
 * comments, events on one data line, and the end, once, when the client goes away, reads too slowly
 * (a full write queue: it reconnects and resumes rather than making the server buffer for it), or
 * the owner ends it. Confined to the request's context, like its owner.
 */
public final class SseChannel {
  private static final Logger log = LoggerFactory.getLogger(SseChannel.class);

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final String what;
  private final Runnable onEnd;
  private long timer = -1;
  private boolean ended;

  /**
   * @param what names the stream in log lines, e.g. "node n1's discovery stream"
   * @param onEnd runs once when the stream ends, however it ends
   */
  public SseChannel(Vertx vertx, HttpServerResponse response, String what, Runnable onEnd) {
    this.vertx = vertx;
    this.response = response;
    this.what = what;
    this.onEnd = onEnd;
  }

  /**
   * Sends the headers and starts the keep-alive comments.
   *
   * @param writeQueueBytes how much may wait unsent before the client counts as too slow
   */
  public void open(Duration keepAlive, int writeQueueBytes) {
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> release());
    response.exceptionHandler(t -> release());
    response.setWriteQueueMaxSize(writeQueueBytes);
    timer = vertx.setPeriodic(keepAlive.toMillis(), id -> write(": keep-alive\n\n"));
  }

  /** Sends one event; {@code json} is one line (Jackson escapes control characters). */
  public void event(String event, long id, String json) {
    write("event: " + event + "\nid: " + id + "\ndata: " + json + "\n\n");
  }

  public boolean ended() {
    return ended;
  }

  /** Ends the response (the client reconnects and resumes). */
  public void end() {
    if (!ended && !response.ended() && !response.closed()) {
      response.end();
    }
    release();
  }

  private void write(String chunk) {
    if (ended || response.ended() || response.closed()) {
      release();
      return;
    }
    if (response.writeQueueFull()) {
      log.info("{} is read too slowly: ending it", what);
      end();
      return;
    }
    response.write(Buffer.buffer(chunk));
  }

  private void release() {
    if (ended) {
      return;
    }
    ended = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    onEnd.run();
  }
}
