package io.uptimemesh.core.discovery;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Locale;

/**
 * How the agent of an endpoint's node decides whether the endpoint is healthy: a TCP connect, an
 * HTTP GET (any 2xx or 3xx answer is healthy), or {@code none} (healthy while its node is alive,
 * the only choice for a udp endpoint), every {@code intervalMs}, each attempt given up after {@code
 * timeoutMs}. {@code failureThreshold} failures in a row make a healthy (or new) endpoint
 * unhealthy; {@code successThreshold} successes in a row make it healthy. A new endpoint is
 * unhealthy until it has passed.
 *
 * @param type {@code tcp}, {@code http} or {@code none}
 * @param path the HTTP path, starting with {@code /}; null for {@code tcp}
 * @param intervalMs time between two attempts, {@value #MIN_INTERVAL_MS}..{@value #MAX_INTERVAL_MS}
 * @param timeoutMs at most the interval, at least {@value #MIN_TIMEOUT_MS}
 * @param failureThreshold 1..100
 * @param successThreshold 1..100
 */
public record HealthCheck(
    String type,
    String path,
    long intervalMs,
    long timeoutMs,
    int failureThreshold,
    int successThreshold) {
  public static final String TCP = "tcp";
  public static final String HTTP = "http";
  public static final String NONE = "none";
  public static final long DEFAULT_INTERVAL_MS = 2_000;
  public static final long DEFAULT_TIMEOUT_MS = 1_000;
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;
  public static final int DEFAULT_SUCCESS_THRESHOLD = 1;
  public static final long MIN_INTERVAL_MS = 100;
  public static final long MAX_INTERVAL_MS = 3_600_000;
  public static final long MIN_TIMEOUT_MS = 50;

  /** A TCP connect with every default. */
  public static HealthCheck defaultTcp() {
    return new HealthCheck(
        TCP,
        null,
        DEFAULT_INTERVAL_MS,
        DEFAULT_TIMEOUT_MS,
        DEFAULT_FAILURE_THRESHOLD,
        DEFAULT_SUCCESS_THRESHOLD);
  }

  /**
   * Checks user input; null numbers take the defaults, a null type is {@code tcp}.
   *
   * @throws UptimeMeshException (invalid) naming the first bad field as {@code check.<field>}
   */
  public static HealthCheck validated(
      String type,
      String path,
      Long intervalMs,
      Long timeoutMs,
      Integer failureThreshold,
      Integer successThreshold) {
    String t = type == null ? TCP : type.toLowerCase(Locale.ROOT);
    if (!TCP.equals(t) && !HTTP.equals(t) && !NONE.equals(t)) {
      throw UptimeMeshException.invalid("check.type must be tcp, http or none");
    }
    String p = null;
    if (HTTP.equals(t)) {
      p = path == null || path.isEmpty() ? "/" : path;
      if (!p.startsWith("/") || p.length() > 1024 || !p.chars().allMatch(c -> c > 32 && c < 127)) {
        throw UptimeMeshException.invalid(
            "check.path must start with / and hold at most 1024 printable ASCII characters"
                + " without spaces");
      }
    } else if (path != null && !path.isEmpty()) {
      throw UptimeMeshException.invalid("check.path is only for http checks");
    }
    long interval = intervalMs == null ? DEFAULT_INTERVAL_MS : intervalMs;
    if (interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
      throw UptimeMeshException.invalid(
          "check.interval_ms must be between " + MIN_INTERVAL_MS + " and " + MAX_INTERVAL_MS);
    }
    long timeout = timeoutMs == null ? Math.min(DEFAULT_TIMEOUT_MS, interval) : timeoutMs;
    if (timeout < MIN_TIMEOUT_MS || timeout > interval) {
      throw UptimeMeshException.invalid(
          "check.timeout_ms must be between " + MIN_TIMEOUT_MS + " and check.interval_ms");
    }
    int failures = failureThreshold == null ? DEFAULT_FAILURE_THRESHOLD : failureThreshold;
    if (failures < 1 || failures > 100) {
      throw UptimeMeshException.invalid("check.failure_threshold must be between 1 and 100");
    }
    int successes = successThreshold == null ? DEFAULT_SUCCESS_THRESHOLD : successThreshold;
    if (successes < 1 || successes > 100) {
      throw UptimeMeshException.invalid("check.success_threshold must be between 1 and 100");
    }
    return new HealthCheck(t, p, interval, timeout, failures, successes);
  }

  /** The longest a healthy endpoint that stops answering stays healthy: interval × threshold. */
  public long detectionMs() {
    return intervalMs * failureThreshold;
  }
}
