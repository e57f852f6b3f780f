package io.uptimemesh.agent.status;

import io.uptimemesh.core.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's local endpoint: {@code GET /status} (JSON) and {@code GET /metrics} (Prometheus text)
 * on a unix domain socket only its owner can open (0600), and {@code /metrics} alone on {@code
 * 127.0.0.1:port} when a metrics port is set. Vert.x 5 serves domain sockets with the NIO transport
 * on JDK 16+, so no native library is needed.
 */
public final class StatusServer {
  private final Vertx vertx;
  private final Path socket;
  private final int metricsPort;
  private final Supplier<Future<Map<String, Object>>> status;
  private final AgentMetrics metrics;
  private HttpServer local;
  private HttpServer prometheus;

  public StatusServer(
      Vertx vertx,
      Path socket,
      int metricsPort,
      Supplier<Future<Map<String, Object>>> status,
      AgentMetrics metrics) {
    this.vertx = vertx;
    this.socket = socket;
    this.metricsPort = metricsPort;
    this.status = status;
    this.metrics = metrics;
  }

  public Future<Void> start() {
    return vertx
        .executeBlocking(
            () -> {
              // A socket left by a killed agent would make the bind fail.
              Files.createDirectories(socket.toAbsolutePath().getParent());
              Files.deleteIfExists(socket);
              return null;
            },
            false)
        .compose(
            v -> {
              local = vertx.createHttpServer().requestHandler(r -> handle(r, true));
              return local.listen(SocketAddress.domainSocketAddress(socket.toString()));
            })
        .compose(
            s ->
                vertx.executeBlocking(
                    () -> {
                      Files.setPosixFilePermissions(
                          socket, PosixFilePermissions.fromString("rw-------"));
                      return null;
                    },
                    false))
        .compose(
            v -> {
              if (metricsPort == 0) {
                return Future.succeededFuture();
              }
              prometheus = vertx.createHttpServer().requestHandler(r -> handle(r, false));
              return prometheus.listen(metricsPort, "127.0.0.1").mapEmpty();
            })
        .mapEmpty();
  }

  public Future<Void> stop() {
    Future<Void> a = local == null ? Future.succeededFuture() : local.close();
    Future<Void> b = prometheus == null ? Future.succeededFuture() : prometheus.close();
    return Future.join(a, b)
        .transform(
            ar ->
                vertx.executeBlocking(
                    () -> {
                      Files.deleteIfExists(socket);
                      return null;
                    },
                    false))
        .mapEmpty();
  }

  private void handle(HttpServerRequest request, boolean withStatus) {
    String path = request.path();
    if ("/metrics".equals(path)) {
      request
          .response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(metrics.scrape());
    } else if (withStatus && "/status".equals(path)) {
      status
          .get()
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  request.response().setStatusCode(500).end(ar.cause().getMessage());
                  return;
                }
                try {
                  request
                      .response()
                      .putHeader("Content-Type", "application/json")
                      .end(Json.mapper().writeValueAsString(ar.result()));
                } catch (Exception e) {
                  request.response().setStatusCode(500).end(e.getMessage());
                }
              });
    } else {
      request.response().setStatusCode(404).end("{\"error\":\"no such path\"}");
    }
  }
}
