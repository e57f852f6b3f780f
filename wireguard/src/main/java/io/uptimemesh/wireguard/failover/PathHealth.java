package io.uptimemesh.wireguard.failover;

import java.time.Instant;
import java.util.Optional;

/**
 * What the probes said about one path lately.
 *
 * @param consecutiveSuccesses successful probes since the last failure
 * @param consecutiveFailures failed probes since the last success
 * @param failingSince when the current run of failures began (empty while the last probe passed or
 *     none ran yet): the start of "time to detect"
 * @param lastProbe when the last probe result arrived, empty before the first
 */
public record PathHealth(
    int consecutiveSuccesses,
    int consecutiveFailures,
    Optional<Instant> failingSince,
    Optional<Instant> lastProbe) {

  /** A path no probe has reported on yet. */
  public static final PathHealth UNKNOWN = new PathHealth(0, 0, Optional.empty(), Optional.empty());

  /** True before the first probe result. */
  public boolean unknown() {
    return lastProbe.isEmpty();
  }

  /** True once the path failed {@code threshold} times in a row: it is known bad. */
  public boolean down(int threshold) {
    return consecutiveFailures >= threshold;
  }

  PathHealth success(Instant now) {
    return new PathHealth(
        saturatingIncrement(consecutiveSuccesses), 0, Optional.empty(), Optional.of(now));
  }

  PathHealth failure(Instant now) {
    return new PathHealth(
        0,
        saturatingIncrement(consecutiveFailures),
        failingSince.isPresent() ? failingSince : Optional.of(now),
        Optional.of(now));
  }

  private static int saturatingIncrement(int count) {
    return count == Integer.MAX_VALUE ? count : count + 1;
  }
}
