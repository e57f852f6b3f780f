package io.uptimemesh.etcd.managed;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls an etcd member's {@code /health} until it says {@code "health":"true"}.
 *
 * <p>Uses the JDK's asynchronous HTTP client rather than a Vert.x one: the health monitor already
 * keeps a Vert.x connection pool to the same address, and Vert.x names pool metrics by address, so
 * a second pool would register the same gauges twice.
 */
final class HealthWaiter {
  private static final long POLL_MS = 100;

  private final Vertx vertx;
  private final URI health;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  HealthWaiter(Vertx vertx, URI clientUrl) {
    this.vertx = vertx;
    this.health = clientUrl.resolve("/health");
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
    HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build();
    Future.fromCompletionStage(
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()),
            vertx.getOrCreateContext())
        .map(r -> r.statusCode() == 200 && r.body().contains("\"true\""))
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
