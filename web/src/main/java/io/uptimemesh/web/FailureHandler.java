package io.uptimemesh.web;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.heartbeat.HeartbeatRejected;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single failure handler of the router: every failed request, and every unmatched route,
 * answers {@code {"error": code, "message": …}} with the mapped status.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    ErrorMapper.Mapped mapped = ErrorMapper.map(ctx.failure(), ctx.statusCode());
    if (mapped.code() == ErrorCode.INTERNAL) {
      log.atError()
          .addKeyValue("request_id", RequestLogHandler.requestId(ctx))
          .setCause(ctx.failure())
          .log("request failed: {} {}", ctx.request().method(), ctx.request().path());
    }
    JsonObject body =
        new JsonObject().put("error", mapped.code().code()).put("message", mapped.message());
    if (ctx.failure() instanceof HeartbeatRejected rejected) {
      body.put("reason", rejected.reason().wireName());
    }
    respond(ctx, mapped.code(), body);
  }

  /** Writes the JSON error body, unless a response was already sent. */
  public static void respond(RoutingContext ctx, ErrorCode code, String message) {
    respond(ctx, code, new JsonObject().put("error", code.code()).put("message", message));
  }

  private static void respond(RoutingContext ctx, ErrorCode code, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(code.httpStatus())
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
