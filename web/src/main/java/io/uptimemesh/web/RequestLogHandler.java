package io.uptimemesh.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an id (the caller's {@code X-Request-ID} when it is sane, else a new one),
 * returns it in the response, and logs one line per request when it ends: {@code request_id},
 * {@code method}, {@code path}, {@code status}, {@code duration_ms}.
 *
 * <p>Health probes and metric scrapes arrive every few seconds from load balancers and Prometheus;
 * they are logged at DEBUG so they do not bury the requests people make.
 */
public final class RequestLogHandler implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-ID";
  private static final String KEY = "request_id";
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Logger log = LoggerFactory.getLogger("http");

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String incoming = ctx.request().getHeader(HEADER);
    String id = incoming != null && SANE_ID.matcher(incoming).matches() ? incoming : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.addEndHandler(
        ar -> {
          int status = ctx.response().getStatusCode();
          long durationMs = (System.nanoTime() - started) / 1_000_000;
          String path = ctx.request().path();
          boolean probe = path.startsWith("/health/") || path.equals("/metrics");
          var event = probe ? log.atDebug() : status >= 500 ? log.atWarn() : log.atInfo();
          event
              .addKeyValue(KEY, id)
              .addKeyValue("method", ctx.request().method().name())
              .addKeyValue("path", path)
              .addKeyValue("status", status)
              .addKeyValue("duration_ms", durationMs)
              .log("{} {} {} {}ms", ctx.request().method().name(), path, status, durationMs);
        });
    ctx.next();
  }

  /**
   * A random UUID-shaped id. Request ids must be unique, not secret: ThreadLocalRandom avoids the
   * lock of the SecureRandom behind {@code UUID.randomUUID()} on every request of every event loop.
   */
  static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID(r.nextLong(), r.nextLong()).toString();
  }

  /** The id of the request being handled, or "-" outside a request. */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
