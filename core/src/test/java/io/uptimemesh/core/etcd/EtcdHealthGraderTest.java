package io.uptimemesh.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EtcdHealthGraderTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
  private final EtcdHealthGrader grader =
      new EtcdHealthGrader(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(10));

  @Test
  void neverAnsweredIsDown() {
    assertThat(grade(null, 5, 0, 1)).isEqualTo(EtcdHealthState.DOWN);
  }

  @Test
  void freshFastAndCompleteIsOk() {
    assertThat(grade(NOW, 5, 3, 3)).isEqualTo(EtcdHealthState.OK);
  }

  @Test
  void slowProbeIsDegraded() {
    assertThat(grade(NOW, 501, 1, 1)).isEqualTo(EtcdHealthState.DEGRADED);
    assertThat(grade(NOW, 500, 1, 1)).isEqualTo(EtcdHealthState.OK);
  }

  @Test
  void anUnhealthyEndpointIsDegraded() {
    assertThat(grade(NOW, 5, 2, 3)).isEqualTo(EtcdHealthState.DEGRADED);
  }

  @Test
  void aFailedLatestProbeWithinTheStaleThresholdIsDegradedNotOk() {
    EtcdHealthGrader.Observation justFailed =
        new EtcdHealthGrader.Observation(NOW.minusSeconds(1), Duration.ofMillis(5), true, 3, 3);
    assertThat(grader.grade(justFailed, NOW)).isEqualTo(EtcdHealthState.DEGRADED);
  }

  @Test
  void ageDecidesStaleAndDownAtTheThresholds() {
    assertThat(grade(NOW.minusMillis(2999), 5, 1, 1)).isEqualTo(EtcdHealthState.OK);
    assertThat(grade(NOW.minusSeconds(3), 5, 1, 1)).isEqualTo(EtcdHealthState.STALE);
    assertThat(grade(NOW.minusMillis(9999), 5, 1, 1)).isEqualTo(EtcdHealthState.STALE);
    assertThat(grade(NOW.minusSeconds(10), 5, 1, 1)).isEqualTo(EtcdHealthState.DOWN);
  }

  @Test
  void onlyOkAndDegradedAcceptWrites() {
    assertThat(EtcdHealthState.OK.acceptsWrites()).isTrue();
    assertThat(EtcdHealthState.DEGRADED.acceptsWrites()).isTrue();
    assertThat(EtcdHealthState.STALE.acceptsWrites()).isFalse();
    assertThat(EtcdHealthState.DOWN.acceptsWrites()).isFalse();
  }

  private EtcdHealthState grade(Instant lastGood, long latencyMs, int healthy, int total) {
    return grader.grade(
        new EtcdHealthGrader.Observation(
            lastGood, Duration.ofMillis(latencyMs), false, healthy, total),
        NOW);
  }
}
