package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadSettingsTest {
  @Test
  void generationsKeptDefaultsToTenAndIsChecked() {
    assertThat(RuntimeSettings.load(Map.of(), null).workloadGenerationsKept()).isEqualTo(10);
    assertThat(
            RuntimeSettings.load(Map.of("WORKLOAD_GENERATIONS_KEPT", "3"), null)
                .workloadGenerationsKept())
        .isEqualTo(3);
    // One kept generation would leave nothing to roll back to.
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("WORKLOAD_GENERATIONS_KEPT", "1"), null))
        .hasMessageContaining("WORKLOAD_GENERATIONS_KEPT");
    assertThatThrownBy(
            () -> RuntimeSettings.load(Map.of("WORKLOAD_GENERATIONS_KEPT", "many"), null))
        .hasMessageContaining("WORKLOAD_GENERATIONS_KEPT");
  }

  @Test
  void schedulerSettingsDefaultAndAreChecked() {
    SchedulerSettings defaults = RuntimeSettings.load(Map.of(), null).scheduler();
    assertThat(defaults).isEqualTo(SchedulerSettings.defaults());
    assertThat(defaults.interval()).hasSeconds(2);
    assertThat(defaults.rescheduleGrace()).hasSeconds(60);
    SchedulerSettings set =
        RuntimeSettings.load(
                Map.of(
                    "SCHEDULER_INTERVAL_SECONDS", "5", "SCHEDULER_RESCHEDULE_GRACE_SECONDS", "0"),
                null)
            .scheduler();
    assertThat(set.interval()).hasSeconds(5);
    assertThat(set.rescheduleGrace()).isZero();
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("SCHEDULER_INTERVAL_SECONDS", "0"), null))
        .hasMessageContaining("SCHEDULER_INTERVAL_SECONDS");
    assertThatThrownBy(
            () -> RuntimeSettings.load(Map.of("SCHEDULER_RESCHEDULE_GRACE_SECONDS", "-1"), null))
        .hasMessageContaining("SCHEDULER_RESCHEDULE_GRACE_SECONDS");
  }

  @Test
  void rolloutIntervalAndHealthTimeoutAreReadOnTheServerAndChecked() {
    RolloutSettings defaults = RuntimeSettings.load(Map.of(), null).rollout();
    assertThat(defaults).isEqualTo(RolloutSettings.defaults());
    assertThat(defaults.interval()).hasSeconds(1);
    assertThat(defaults.healthTimeout()).hasSeconds(60);
    RolloutSettings set =
        RuntimeSettings.load(
                Map.of("ROLLOUT_INTERVAL_SECONDS", "5", "LXD_HEALTH_TIMEOUT_SECONDS", "7"), null)
            .rollout();
    assertThat(set.interval()).hasSeconds(5);
    assertThat(set.healthTimeout()).hasSeconds(7);
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("ROLLOUT_INTERVAL_SECONDS", "0"), null))
        .hasMessageContaining("ROLLOUT_INTERVAL_SECONDS");
    assertThatThrownBy(
            () -> RuntimeSettings.load(Map.of("LXD_HEALTH_TIMEOUT_SECONDS", "soon"), null))
        .hasMessageContaining("LXD_HEALTH_TIMEOUT_SECONDS");
  }
}
