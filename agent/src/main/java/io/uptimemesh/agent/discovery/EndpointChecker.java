package io.uptimemesh.agent.discovery;

import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * One check attempt against an endpoint, without blocking: {@code tcp} connects and closes at once,
 * {@code http} sends a GET of the check's path on a fresh connection (no keep-alive, so a dead
 * server is not hidden behind a pooled connection) and takes any 2xx or 3xx status as healthy
 * without reading the body, {@code none} passes at once. Every attempt is given up after the
 * check's timeout. HTTP checks share the agent's HTTP client (each attempt asks for {@code
 * Connection: close} and its connection is reset after the status line, so none is reused); TCP
 * checks share one net client, made on first use. Neither has a thread of its own: they run on the
 * agent's event loop.
 */
public final class EndpointChecker {
  /** An attempt's outcome and what to tell about it. */
  public record Attempt(boolean ok, String detail) {}

  private final Vertx vertx;
  private final HttpClient http;
  private NetClient net;

  /**
   * @param http the agent's HTTP client (its owner closes it)
   */
  public EndpointChecker(Vertx vertx, HttpClient http) {
    this.vertx = vertx;
    this.http = http;
  }

  /** Runs one attempt; the future never fails. Call on the agent's context. */
  public Future<Attempt> check(EndpointProbe probe) {
    HealthCheck check = probe.check();
    if (HealthCheck.NONE.equals(check.type())) {
      return Future.succeededFuture(new Attempt(true, "no check"));
    }
    Promise<Attempt> result = Promise.promise();
    long timeout = check.timeoutMs();
    long timer =
        vertx.setTimer(
            timeout,
            id -> result.tryComplete(new Attempt(false, "no answer within " + timeout + " ms")));
    Future<Attempt> attempt =
        HealthCheck.HTTP.equals(check.type()) ? http(probe, timeout) : tcp(probe, timeout);
    attempt.onComplete(
        ar -> {
          vertx.cancelTimer(timer);
          result.tryComplete(
              ar.succeeded() ? ar.result() : new Attempt(false, message(ar.cause())));
        });
    return result.future();
  }

  /** Closes the net client if one was made. */
  public Future<?> close() {
    return net == null ? Future.succeededFuture() : net.close();
  }

  private Future<Attempt> tcp(EndpointProbe probe, long timeout) {
    if (net == null) {
      net = vertx.createNetClient(new NetClientOptions());
    }
    return net.connect(
            new ConnectOptions()
                .setHost(probe.address())
                .setPort(probe.port())
                .setTimeout((int) timeout))
        .map(
            socket -> {
              socket.close();
              return new Attempt(true, "connected");
            });
  }

  private Future<Attempt> http(EndpointProbe probe, long timeout) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(probe.address())
            .setPort(probe.port())
            .setURI(probe.check().path() == null ? "/" : probe.check().path())
            .setConnectTimeout(timeout)
            .setTimeout(timeout)
            .putHeader("Connection", "close");
    if (probe.address() != null && probe.address().contains(":")) {
      options.putHeader("Host", "[" + probe.address() + "]:" + probe.port());
    }
    return http.request(options)
        .compose(req -> req.send())
        .map(
            response -> {
              int status = response.statusCode();
              // The status is all that counts: drop the connection rather than read the body
              // (the reset surfaces on the response as an exception, expected here).
              response.exceptionHandler(e -> {});
              response.request().reset();
              return new Attempt(status >= 200 && status < 400, "HTTP " + status);
            });
  }

  private static String message(Throwable t) {
    if (t == null) {
      return "failed";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
