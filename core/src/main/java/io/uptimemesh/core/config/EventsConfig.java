package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code events} section of {@code config.yaml}: how much of the cluster event log is kept. The
 * leader prunes events older than {@code maxAge} and the oldest beyond {@code maxCount}.
 *
 * @param maxAge events older than this are deleted ({@code max_age_hours})
 * @param maxCount at most this many events are kept ({@code max_count})
 * @param pruneInterval pause between two pruning runs ({@code prune_interval_seconds})
 */
public record EventsConfig(Duration maxAge, int maxCount, Duration pruneInterval) {
  public EventsConfig {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(pruneInterval, "pruneInterval");
  }
}
