package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed logins per client address: after {@code maxFailures} wrong passwords within {@code
 * window}, further login attempts from that address get 429 with {@code Retry-After} until the
 * oldest failure leaves the window. Only failures count, so operators who log in often are never
 * slowed. Kept in memory per core node: an attacker spreading guesses over N core nodes gets N
 * times the budget, which still makes guessing a generated 20-character password hopeless.
 *
 * <p>Put before every login route; it counts a failure when the route answers 401.
 */
public final class LoginRateLimiter implements Handler<RoutingContext> {
  public static final int DEFAULT_MAX_FAILURES = 5;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  private static final int MAX_TRACKED = 10_000;

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  public LoginRateLimiter(int maxFailures, Duration window, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
  }

  public static LoginRateLimiter defaults() {
    return new LoginRateLimiter(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, Clock.systemUTC());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String client = ctx.request().remoteAddress().hostAddress();
    long retryAfterMs = retryAfterMs(client);
    if (retryAfterMs > 0) {
      ctx.response().putHeader("Retry-After", Long.toString((retryAfterMs + 999) / 1000));
      ctx.fail(
          new UptimeMeshException(
              ErrorCode.TOO_MANY_REQUESTS,
              "too many failed logins from "
                  + client
                  + ": try again in "
                  + ((retryAfterMs + 999) / 1000)
                  + " s"));
      return;
    }
    ctx.addHeadersEndHandler(
        v -> {
          if (ctx.response().getStatusCode() == ErrorCode.UNAUTHORIZED.httpStatus()) {
            recordFailure(client);
          }
        });
    ctx.next();
  }

  /** Milliseconds until {@code client} may try again; 0 when it may now. */
  public long retryAfterMs(String client) {
    Deque<Long> seen = failures.get(client);
    if (seen == null) {
      return 0;
    }
    long now = clock.millis();
    synchronized (seen) {
      prune(seen, now);
      if (seen.size() < maxFailures) {
        return 0;
      }
      return Math.max(1, seen.peekFirst() + window.toMillis() - now);
    }
  }

  /** Counts one failed login of {@code client}. */
  public void recordFailure(String client) {
    long now = clock.millis();
    if (failures.size() >= MAX_TRACKED) {
      // Bounded memory under a spray from many addresses: forget the addresses with no recent
      // failure.
      failures.entrySet().removeIf(e -> isQuiet(e.getValue(), now));
    }
    Deque<Long> seen = failures.computeIfAbsent(client, k -> new ArrayDeque<>());
    synchronized (seen) {
      prune(seen, now);
      seen.addLast(now);
      while (seen.size() > maxFailures) {
        seen.removeFirst();
      }
    }
  }

  private boolean isQuiet(Deque<Long> seen, long now) {
    synchronized (seen) {
      prune(seen, now);
      return seen.isEmpty();
    }
  }

  private void prune(Deque<Long> seen, long now) {
    while (!seen.isEmpty() && seen.peekFirst() + window.toMillis() <= now) {
      seen.removeFirst();
    }
  }
}
