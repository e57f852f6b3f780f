package io.uptimemesh.core.etcd;

import java.time.Duration;
import java.time.Instant;

/**
 * Grades etcd health from the facts of recent probes. A pure function so its thresholds are tested
 * without a clock or a network.
 *
 * @param degradedLatency a quorum probe slower than this grades {@link EtcdHealthState#DEGRADED}
 * @param staleAfter no good probe for this long grades {@link EtcdHealthState#STALE}
 * @param downAfter no good probe for this long grades {@link EtcdHealthState#DOWN}
 */
public record EtcdHealthGrader(Duration degradedLatency, Duration staleAfter, Duration downAfter) {

  public EtcdHealthGrader {
    if (downAfter.compareTo(staleAfter) <= 0) {
      throw new IllegalArgumentException("downAfter must be greater than staleAfter");
    }
  }

  /**
   * What the monitor knows after a probe round.
   *
   * @param lastGoodProbe when quorum last answered, or null if never
   * @param lastLatency how long that answer took
   * @param latestProbeFailed true if the most recent quorum probe got no answer
   * @param healthyEndpoints endpoints whose status call answered in the last round
   * @param totalEndpoints endpoints configured
   */
  public record Observation(
      Instant lastGoodProbe,
      Duration lastLatency,
      boolean latestProbeFailed,
      int healthyEndpoints,
      int totalEndpoints) {}

  /** Returns the state for {@code observation} as of {@code now}. */
  public EtcdHealthState grade(Observation observation, Instant now) {
    if (observation.lastGoodProbe() == null) {
      return EtcdHealthState.DOWN;
    }
    Duration since = Duration.between(observation.lastGoodProbe(), now);
    if (since.compareTo(downAfter) >= 0) {
      return EtcdHealthState.DOWN;
    }
    if (since.compareTo(staleAfter) >= 0) {
      return EtcdHealthState.STALE;
    }
    // A failed latest probe inside the stale threshold (a leader election, a member restarting)
    // is degraded, never ok: the guard still accepts writes, and says why it might not for long.
    boolean slow = observation.lastLatency().compareTo(degradedLatency) > 0;
    boolean partial = observation.healthyEndpoints() < observation.totalEndpoints();
    return slow || partial || observation.latestProbeFailed()
        ? EtcdHealthState.DEGRADED
        : EtcdHealthState.OK;
  }
}
