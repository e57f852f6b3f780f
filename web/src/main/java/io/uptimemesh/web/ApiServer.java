package io.uptimemesh.web;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a core node: one router with request logging, a body limit, the routes of each
 * resource, and one failure handler that answers every error as JSON.
 */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Vertx vertx;
  private final Router router;
  private HttpServer server;

  /**
   * @param bodyLimitBytes requests with a larger body get 413
   * @param guard refuses writes while etcd is stale or down
   * @param idempotency makes writes sent with an {@code Idempotency-Key} safe to repeat
   * @param resources each adds its routes to the router
   */
  public ApiServer(
      Vertx vertx,
      long bodyLimitBytes,
      WriteGuard guard,
      IdempotencyHandler idempotency,
      List<Consumer<Router>> resources) {
    this.vertx = vertx;
    this.router = Router.router(vertx);
    router.route().handler(new RequestLogHandler());
    // Before the body is read and before any route: one place for every write.
    router.route().handler(guard);
    // One place for every browser write: a session cookie without its CSRF token gets 403.
    router.route().handler(new io.uptimemesh.web.identity.CsrfHandler());
    router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
    // After the body (it is part of the request's identity), before any route.
    router.route().handler(idempotency);
    resources.forEach(r -> r.accept(router));
    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    router.errorHandler(
        404,
        ctx ->
            FailureHandler.respond(
                ctx, ErrorCode.NOT_FOUND, "no route for " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            FailureHandler.respond(
                ctx,
                ErrorCode.METHOD_NOT_ALLOWED,
                ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(500, failures);
  }

  public Router router() {
    return router;
  }

  /** Starts listening; yields the server (its {@code actualPort()} when port 0 was asked). */
  public Future<HttpServer> listen(String host, int port) {
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router)
        .listen()
        .onSuccess(
            s -> {
              server = s;
              log.info("HTTP API listening on {}:{}", host, s.actualPort());
            });
  }

  /**
   * Stops accepting connections and gives requests in flight up to {@code grace} to finish.
   *
   * @return completes when the server is closed; never fails
   */
  public Future<Void> shutdown(Duration grace) {
    if (server == null) {
      return Future.succeededFuture();
    }
    return server
        .shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            t -> {
              log.warn("HTTP server did not shut down cleanly: {}", t.getMessage());
              return Future.succeededFuture();
            });
  }
}
