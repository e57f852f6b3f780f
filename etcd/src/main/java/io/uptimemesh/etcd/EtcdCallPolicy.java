package io.uptimemesh.etcd;

import io.uptimemesh.core.config.EtcdClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How every etcd call is made: with a deadline, and retried only when it is idempotent.
 *
 * <p>gRPC itself enforces the deadline on unary calls (see {@link UnaryDeadlineInterceptor}); the
 * timeout here is a guard a little longer than that, for anything the interceptor cannot reach.
 * Retries back off exponentially from the configured base. A non-idempotent call (a put, a
 * transaction) is never retried: it may have been applied even though the answer was lost.
 */
public final class EtcdCallPolicy {
  private static final long GUARD_MARGIN_MS = 250;

  private final Vertx vertx;
  private final Duration deadline;
  private final int retryAttempts;
  private final Duration retryBackoff;

  public EtcdCallPolicy(Vertx vertx, EtcdClientConfig config) {
    this(vertx, config.requestTimeout(), config.retryAttempts(), config.retryBackoff());
  }

  public EtcdCallPolicy(Vertx vertx, Duration deadline, int retryAttempts, Duration retryBackoff) {
    this.vertx = vertx;
    this.deadline = deadline;
    this.retryAttempts = retryAttempts;
    this.retryBackoff = retryBackoff;
  }

  public Duration deadline() {
    return deadline;
  }

  /**
   * Runs an idempotent call (a read), retrying on UNAVAILABLE, DEADLINE_EXCEEDED and UNKNOWN.
   *
   * @return the call's result; fails with an {@code UptimeMeshException} (etcd_unavailable when
   *     etcd did not answer in time after every attempt)
   */
  public <T> Future<T> idempotent(String what, Supplier<CompletableFuture<T>> call) {
    Promise<T> promise = Promise.promise();
    attempt(what, call, 0, promise);
    return promise.future();
  }

  /**
   * Runs a call that must not be repeated (a write), exactly once, with a deadline.
   *
   * @return the call's result; fails with an {@code UptimeMeshException}
   */
  public <T> Future<T> once(String what, Supplier<CompletableFuture<T>> call) {
    return guarded(call).recover(t -> Future.failedFuture(EtcdErrors.toApiError(what, t)));
  }

  private <T> void attempt(
      String what, Supplier<CompletableFuture<T>> call, int attempt, Promise<T> promise) {
    guarded(call)
        .onSuccess(promise::complete)
        .onFailure(
            t -> {
              if (attempt < retryAttempts && EtcdErrors.isRetryable(t)) {
                long delay = retryBackoff.toMillis() << Math.min(attempt, 16);
                vertx.setTimer(delay, id -> attempt(what, call, attempt + 1, promise));
              } else {
                promise.fail(EtcdErrors.toApiError(what, t));
              }
            });
  }

  private <T> Future<T> guarded(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> cf;
    try {
      cf = call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    CompletableFuture<T> bounded =
        cf.orTimeout(deadline.toMillis() + GUARD_MARGIN_MS, TimeUnit.MILLISECONDS);
    // Keep callbacks on the caller's Vert.x context when there is one.
    return Future.fromCompletionStage(bounded, vertx.getOrCreateContext());
  }
}
