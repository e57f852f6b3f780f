package io.uptimemesh.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for Vert.x futures from a test thread, always with a bound. */
public final class Await {
  private Await() {}

  /** The future's result; throws its failure (unwrapped) or a timeout after {@code timeout}. */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static <T> T result(Future<T> future) {
    return result(future, Duration.ofSeconds(10));
  }

  /** The future's failure; fails the test if it succeeded. */
  public static Throwable failure(Future<?> future, Duration timeout) {
    try {
      Object value = result(future, timeout);
      throw new AssertionError("expected a failure but got " + value);
    } catch (RuntimeException e) {
      return e;
    }
  }
}
