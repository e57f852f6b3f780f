package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The rollout leader job's settings (ADR 0014), read by the server.
 *
 * @param interval {@code ROLLOUT_INTERVAL_SECONDS}: time between two runs (a change under services,
 *     replicas, their statuses or endpoint health runs it sooner)
 * @param healthTimeout {@code LXD_HEALTH_TIMEOUT_SECONDS}: how long one replica step may take to
 *     run the new generation healthy (the agent reads the same key as its start timeout)
 */
public record RolloutSettings(Duration interval, Duration healthTimeout) {
  public static final int DEFAULT_INTERVAL_SECONDS = 1;
  public static final int DEFAULT_HEALTH_TIMEOUT_SECONDS = 60;

  public RolloutSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(healthTimeout, "healthTimeout");
  }

  public static RolloutSettings defaults() {
    return new RolloutSettings(
        Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS),
        Duration.ofSeconds(DEFAULT_HEALTH_TIMEOUT_SECONDS));
  }

  /** Reads the two keys; a bad value is recorded as a problem of {@code in}, naming the key. */
  static RolloutSettings read(SettingsReader in) {
    return new RolloutSettings(
        Duration.ofSeconds(
            in.integer(RuntimeKey.ROLLOUT_INTERVAL_SECONDS, DEFAULT_INTERVAL_SECONDS, 1, 3600)),
        Duration.ofSeconds(
            in.integer(
                RuntimeKey.LXD_HEALTH_TIMEOUT_SECONDS, DEFAULT_HEALTH_TIMEOUT_SECONDS, 1, 3600)));
  }
}
