package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code snapshots} section of {@code config.yaml}: etcd snapshots. Where they are kept and how
 * many are runtime settings ({@code ETCD_SNAPSHOT_DIR}, {@code ETCD_SNAPSHOT_RETENTION}).
 *
 * @param scheduleInterval time between scheduled snapshots taken by the leader ({@code
 *     schedule_interval_minutes}); zero disables the schedule
 * @param timeout the longest one snapshot may take ({@code timeout_seconds})
 */
public record SnapshotsConfig(Duration scheduleInterval, Duration timeout) {
  public SnapshotsConfig {
    Objects.requireNonNull(scheduleInterval, "scheduleInterval");
    Objects.requireNonNull(timeout, "timeout");
  }

  /** The defaults: a snapshot every hour, each within 10 minutes. */
  public static SnapshotsConfig defaults() {
    return new SnapshotsConfig(Duration.ofMinutes(60), Duration.ofSeconds(600));
  }

  public boolean scheduled() {
    return !scheduleInterval.isZero();
  }
}
