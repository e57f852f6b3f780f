package io.uptimemesh.web.ui;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.web.SseChannel;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * {@code GET /api/v1/changes/stream}: server-sent events {@code change} with {@code
 * {"topic":"nodes","revision":R}} whenever what a topic covers changes in etcd (see {@link
 * ChangeFeed}). The console reloads the topic's listing from the API on each; the event itself
 * holds no data, so it needs no escaping and cannot leak a field a listing would hide.
 */
public final class ChangeRoutes {
  private static final int WRITE_QUEUE_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final ChangeFeed feed;
  private final Handler<RoutingContext> loggedIn;
  private final Duration keepAlive;
  private final Set<SseChannel> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public ChangeRoutes(
      Vertx vertx, ChangeFeed feed, Handler<RoutingContext> loggedIn, Duration keepAlive) {
    this.vertx = vertx;
    this.feed = feed;
    this.loggedIn = loggedIn;
    this.keepAlive = keepAlive;
  }

  public void addRoutes(Router router) {
    router.get("/api/v1/changes/stream").handler(loggedIn).handler(this::stream);
  }

  /** Ends every open stream (server shutdown); browsers reconnect. */
  public void closeStreams() {
    closed = true;
    open.forEach(SseChannel::end);
  }

  int openStreams() {
    return open.size();
  }

  private void stream(RoutingContext ctx) {
    if (closed) {
      ctx.fail(new UptimeMeshException(ErrorCode.UNAVAILABLE, "this core node is shutting down"));
      return;
    }
    Context context = vertx.getOrCreateContext();
    BiConsumer<String, Long>[] listener = new BiConsumer[1];
    SseChannel[] channel = new SseChannel[1];
    channel[0] =
        new SseChannel(
            vertx,
            ctx.response(),
            "a console change stream",
            () -> {
              feed.unlisten(listener[0]);
              open.remove(channel[0]);
            });
    listener[0] =
        (topic, revision) ->
            context.runOnContext(
                v ->
                    channel[0].event(
                        "change",
                        revision,
                        new JsonObject().put("topic", topic).put("revision", revision).encode()));
    open.add(channel[0]);
    channel[0].open(keepAlive, WRITE_QUEUE_BYTES);
    // Tells the page the stream is up, so it reloads once and misses nothing from before.
    channel[0].event("ready", 0, new JsonObject().put("topics", feed.topics()).encode());
    feed.listen(listener[0]);
  }
}
