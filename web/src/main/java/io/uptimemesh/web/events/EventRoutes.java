package io.uptimemesh.web.events;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventQuery;
import io.uptimemesh.etcd.events.EventLog;
import io.uptimemesh.web.Responses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster event log over HTTP, for logged-in users:
 *
 * <ul>
 *   <li>{@code GET /api/v1/events?since=&category=&limit=&order=}: a listing read from etcd, with
 *       the {@code revision} it was read at;
 *   <li>{@code GET /api/v1/events/stream?category=&after=}: server-sent events fed by an etcd
 *       watch. Each event is {@code id: <revision>} and {@code data: <the event as JSON>}; a
 *       browser's EventSource resumes after the last one with {@code Last-Event-ID}, and {@code
 *       after=} does the same for the first connection (pass a listing's {@code revision} to
 *       continue it without a gap). A comment line every {@code heartbeat} keeps proxies from
 *       closing an idle stream.
 * </ul>
 *
 * Authentication is the router's own login handler, given in: the one place that decides who is
 * logged in (a bearer token today, the browser's session cookie later).
 */
public final class EventRoutes {
  /** How long a browser waits before reconnecting a dropped stream (the SSE {@code retry}). */
  static final Duration RECONNECT = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final EventLog log;
  private final Handler<RoutingContext> loggedIn;
  private final Clock clock;
  private final Duration heartbeat;
  private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param loggedIn fails the request with 401 unless the caller is logged in
   * @param heartbeat interval of the keep-alive comments on open streams
   */
  public EventRoutes(
      Vertx vertx,
      EventLog log,
      Handler<RoutingContext> loggedIn,
      Clock clock,
      Duration heartbeat) {
    this.vertx = vertx;
    this.log = log;
    this.loggedIn = loggedIn;
    this.clock = clock;
    this.heartbeat = heartbeat;
  }

  public void addRoutes(Router router) {
    router.get("/api/v1/events").handler(loggedIn).handler(this::list);
    router.get("/api/v1/events/stream").handler(loggedIn).handler(this::stream);
    router.get("/api/v1/events/count").handler(loggedIn).handler(this::count);
  }

  /** Streams open now (for tests and metrics). */
  public int openStreams() {
    return open.size();
  }

  /**
   * Ends every open stream and refuses new ones (503); the server calls it before it stops, so
   * clients see their stream end cleanly instead of a broken connection, and resume elsewhere.
   */
  public void closeStreams() {
    closed = true;
    open.forEach(EventStream::end);
  }

  private void list(RoutingContext ctx) {
    EventQuery query = EventParams.query(ctx, clock);
    log.list(query)
        .onSuccess(
            page -> {
              JsonArray events = new JsonArray();
              page.events().forEach(e -> events.add(EventJson.of(e)));
              Responses.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("events", events)
                      .put("revision", page.revision())
                      .put("more", page.more()));
            })
        .onFailure(ctx::fail);
  }

  /** {@code {"count": n}}: the events the listing's filters select, all of them from since. */
  private void count(RoutingContext ctx) {
    EventQuery query = EventParams.query(ctx, clock);
    log.count(query)
        .onSuccess(n -> Responses.json(ctx, 200, new JsonObject().put("count", n)))
        .onFailure(ctx::fail);
  }

  private void stream(RoutingContext ctx) {
    if (closed) {
      ctx.fail(new UptimeMeshException(ErrorCode.UNAVAILABLE, "this core node is shutting down"));
      return;
    }
    Set<EventCategory> categories = EventParams.categories(ctx);
    long after = EventParams.resumeAfter(ctx);
    EventStream stream =
        new EventStream(vertx, ctx.response(), categories, heartbeat, open::remove);
    open.add(stream);
    stream.start(RECONNECT, log, after);
  }
}
