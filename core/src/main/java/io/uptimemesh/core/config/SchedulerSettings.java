package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The scheduler leader job's settings (ADR 0014), read by the server.
 *
 * @param interval {@code SCHEDULER_INTERVAL_SECONDS}: time between two runs when nothing changes (a
 *     change under services, replicas, statuses, endpoint health, liveness or node scheduling runs
 *     it sooner)
 * @param rescheduleGrace {@code SCHEDULER_RESCHEDULE_GRACE_SECONDS}: how long a node may be stale
 *     before its replicas get replacements elsewhere
 */
public record SchedulerSettings(Duration interval, Duration rescheduleGrace) {
  public static final int DEFAULT_INTERVAL_SECONDS = 2;
  public static final int DEFAULT_RESCHEDULE_GRACE_SECONDS = 60;

  public SchedulerSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(rescheduleGrace, "rescheduleGrace");
  }

  public static SchedulerSettings defaults() {
    return new SchedulerSettings(
        Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS),
        Duration.ofSeconds(DEFAULT_RESCHEDULE_GRACE_SECONDS));
  }

  /** Reads the two keys; a bad value is recorded as a problem of {@code in}, naming the key. */
  static SchedulerSettings read(SettingsReader in) {
    return new SchedulerSettings(
        Duration.ofSeconds(
            in.integer(RuntimeKey.SCHEDULER_INTERVAL_SECONDS, DEFAULT_INTERVAL_SECONDS, 1, 3600)),
        Duration.ofSeconds(
            in.integer(
                RuntimeKey.SCHEDULER_RESCHEDULE_GRACE_SECONDS,
                DEFAULT_RESCHEDULE_GRACE_SECONDS,
                0,
                86400)));
  }
}
