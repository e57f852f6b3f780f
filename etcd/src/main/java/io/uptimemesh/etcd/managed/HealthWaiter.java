package io.uptimemesh.etcd.managed;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls an etcd member's {@code /health} until it says {@code "health":"true"}. */
final class HealthWaiter {
  private static final long POLL_MS = 100;

  private final Vertx vertx;
  private final URI health;
  private final HttpClient http;

  HealthWaiter(Vertx vertx, URI clientUrl) {
    this.vertx = vertx;
    this.health = clientUrl.resolve("/health");
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(500).setName("etcd-startup-health"));
  }

  /**
   * @param timeout how long to keep polling
   * @param gone true once waiting is pointless (the process exited)
   * @return succeeds when healthy; fails on timeout or when {@code gone} turns true
   */
  Future<Void> await(Duration timeout, BooleanSupplier gone) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    poll(promise, deadline, gone);
    return promise.future();
  }

  private void poll(Promise<Void> promise, long deadline, BooleanSupplier gone) {
    if (gone.getAsBoolean()) {
      promise.tryFail("etcd exited while starting");
      return;
    }
    if (System.nanoTime() > deadline) {
      promise.tryFail("not healthy in time");
      return;
    }
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(health.toString())
            .setTimeout(1000);
    http.request(request)
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.body().map(b -> resp.statusCode() == 200 && b.toString().contains("\"true\"")))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result()) {
                promise.tryComplete();
              } else {
                vertx.setTimer(POLL_MS, id -> poll(promise, deadline, gone));
              }
            });
  }
}
