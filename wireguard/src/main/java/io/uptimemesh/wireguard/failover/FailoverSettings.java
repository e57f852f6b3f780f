package io.uptimemesh.wireguard.failover;

import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Duration;

/**
 * The rules of {@link PathFailover}, from the agent's settings.
 *
 * @param failoverThreshold consecutive failed probes on the active path before it is left ({@code
 *     RUNTIME_FAILOVER_THRESHOLD}); the same count marks a path as known bad
 * @param failbackStableCount consecutive successful probes on the primary before traffic returns to
 *     it ({@code RUNTIME_FAILBACK_STABLE_COUNT})
 * @param failbackEnabled false keeps traffic on the secondary until the secondary itself fails
 * @param holdDown after any switch, no further switch happens for this long, so a flapping link
 *     cannot make the routes oscillate
 * @param primaryMetric the route metric of the active path ({@code RUNTIME_ROUTE_PRIMARY_METRIC})
 * @param secondaryMetric the route metric of the standby path ({@code
 *     RUNTIME_ROUTE_SECONDARY_METRIC}); must be higher, so the kernel prefers the active path
 */
public record FailoverSettings(
    int failoverThreshold,
    int failbackStableCount,
    boolean failbackEnabled,
    Duration holdDown,
    int primaryMetric,
    int secondaryMetric) {

  /** The defaults: 3 failures, 5 stable successes, failback on, 10 s hold-down, 100/200. */
  public static final FailoverSettings DEFAULTS =
      new FailoverSettings(3, 5, true, Duration.ofSeconds(10), 100, 200);

  public FailoverSettings {
    if (failoverThreshold < 1) {
      throw UptimeMeshException.invalid("the failover threshold must be at least 1");
    }
    if (failbackStableCount < 1) {
      throw UptimeMeshException.invalid("the failback stable count must be at least 1");
    }
    if (holdDown == null || holdDown.isNegative()) {
      throw UptimeMeshException.invalid("the failover hold-down must be zero or positive");
    }
    if (primaryMetric < 0 || secondaryMetric <= primaryMetric) {
      throw UptimeMeshException.invalid(
          "the route metrics must satisfy 0 <= primary < secondary, got "
              + primaryMetric
              + " and "
              + secondaryMetric);
    }
  }
}
