package io.uptimemesh.web;

import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
    json(ctx, status, body.encode());
  }

  /**
   * A read's answer kept encoded while it holds (GET only: no idempotency record). Sent as the same
   * bytes every time: a listing of hundreds of KB re-encoded per request is garbage by the GB.
   */
  public static void kept(RoutingContext ctx, Buffer encoded) {
    ctx.response()
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(encoded);
  }

  private static void json(RoutingContext ctx, int status, String encoded) {
    IdempotencyHandler.recordAnswer(ctx, status, encoded)
        .onComplete(
            ar ->
                ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(encoded));
  }

  /**
   * Sends a node's document: encoded by {@code json} on a worker (a document of many entries is too
   * much work for the event loop), with {@code etag} (quoted here) so the node can tell it apart
   * from the copy it has.
   */
  public static void document(
      Vertx vertx, RoutingContext ctx, java.util.concurrent.Callable<String> json, String etag) {
    vertx
        .executeBlocking(json)
        .onSuccess(
            text ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("ETag", "\"" + etag + "\"")
                    .end(Buffer.buffer(text)))
        .onFailure(ctx::fail);
  }
}
