package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code leader} section of {@code config.yaml}: the core nodes' leader election, the
 * leader-only jobs and node pruning.
 *
 * @param electionTtl the election lease TTL ({@code election_ttl_seconds}): a crashed leader is
 *     replaced within about this long, and a leader that cannot renew steps down within it
 * @param staleSweepInterval how often the leader records which nodes went stale ({@code
 *     stale_sweep_interval_seconds})
 * @param pruneAfter how long a node must have been stale or revoked before {@code util prune-nodes}
 *     removes it ({@code prune_after_hours})
 */
public record LeaderConfig(Duration electionTtl, Duration staleSweepInterval, Duration pruneAfter) {
  public LeaderConfig {
    Objects.requireNonNull(electionTtl, "electionTtl");
    Objects.requireNonNull(staleSweepInterval, "staleSweepInterval");
    Objects.requireNonNull(pruneAfter, "pruneAfter");
  }
}
