package io.uptimemesh.bench;

import io.vertx.core.Vertx;

/**
 * The reads baseline: a bare Vert.x HTTP server answering every request with the same small JSON
 * body that {@code GET /version} returns, with nothing else in the way (no router, no logging, no
 * metrics).
 */
final class RawServer {
  private RawServer() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String body = "{\"app\":\"0.1.0\",\"channel\":\"dev\",\"api\":\"v1\"}";
    Vertx.vertx()
        .createHttpServer()
        .requestHandler(
            req -> req.response().putHeader("Content-Type", "application/json").end(body))
        .listen(port, "127.0.0.1")
        .await();
    System.out.println("raw server listening on " + port);
  }
}
