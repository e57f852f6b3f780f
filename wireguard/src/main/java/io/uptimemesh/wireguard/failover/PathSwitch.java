package io.uptimemesh.wireguard.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One decision of {@link PathFailover} to move traffic: the caller swaps the two routes' metrics.
 *
 * @param from the path that was active
 * @param to the path that is active now
 * @param kind why: the active path failed, or the primary is stable again
 * @param at when the switch was decided
 * @param failingSince for a failover, when the failed path's current run of failures began
 */
public record PathSwitch(
    MeshPath from, MeshPath to, Kind kind, Instant at, Optional<Instant> failingSince) {

  /** Why traffic moved. */
  public enum Kind {
    /** The active path failed the threshold number of probes in a row. */
    FAILOVER,
    /** The primary passed the stable count of probes in a row while the secondary was active. */
    FAILBACK
  }

  /** For a failover, the time from the first failed probe to this decision ("time to detect"). */
  public Optional<Duration> timeToDetect() {
    return failingSince.map(start -> Duration.between(start, at));
  }
}
