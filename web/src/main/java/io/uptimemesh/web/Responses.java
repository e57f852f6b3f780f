package io.uptimemesh.web;

import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing successful JSON responses, the same way everywhere. */
public final class Responses {
  private Responses() {}

  /**
   * Sends {@code body}. A request sent with an {@code Idempotency-Key} has its answer stored first,
   * so that a repeat of an acknowledged request gets the same answer.
   */
  public static void json(RoutingContext ctx, int status, JsonObject body) {
    String encoded = body.encode();
    IdempotencyHandler.recordAnswer(ctx, status, encoded)
        .onComplete(
            ar ->
                ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(encoded));
  }
}
