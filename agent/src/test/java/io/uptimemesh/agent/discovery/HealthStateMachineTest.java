package io.uptimemesh.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.agent.discovery.HealthStateMachine.State;
import org.junit.jupiter.api.Test;

class HealthStateMachineTest {
  @Test
  void startsUnknownAndTheFirstSuccessIsTheFirstVerdict() {
    HealthStateMachine m = new HealthStateMachine(3, 1);
    assertThat(m.state()).isEqualTo(State.UNKNOWN);
    assertThat(m.record(true)).contains(State.HEALTHY);
    assertThat(m.record(true)).isEmpty();
    assertThat(m.state()).isEqualTo(State.HEALTHY);
  }

  @Test
  void failureThresholdFailuresInARowMakeItUnhealthyAndOnlyOnce() {
    HealthStateMachine m = new HealthStateMachine(3, 1);
    m.record(true);
    assertThat(m.record(false)).isEmpty();
    assertThat(m.record(false)).isEmpty();
    assertThat(m.record(false)).contains(State.UNHEALTHY);
    assertThat(m.record(false)).isEmpty();
    assertThat(m.consecutiveFailures()).isEqualTo(4);
  }

  @Test
  void aSuccessInBetweenRestartsTheFailureCount() {
    HealthStateMachine m = new HealthStateMachine(2, 1);
    m.record(true);
    m.record(false);
    m.record(true);
    assertThat(m.record(false)).isEmpty();
    assertThat(m.record(false)).contains(State.UNHEALTHY);
  }

  @Test
  void aNewEndpointThatNeverAnswersBecomesUnhealthyAfterTheThreshold() {
    HealthStateMachine m = new HealthStateMachine(2, 1);
    assertThat(m.record(false)).isEmpty();
    assertThat(m.state()).isEqualTo(State.UNKNOWN);
    assertThat(m.record(false)).contains(State.UNHEALTHY);
  }

  @Test
  void successThresholdSuccessesInARowAreNeededToRecover() {
    HealthStateMachine m = new HealthStateMachine(1, 3);
    assertThat(m.record(false)).contains(State.UNHEALTHY);
    assertThat(m.record(true)).isEmpty();
    assertThat(m.record(true)).isEmpty();
    assertThat(m.record(false)).isEmpty();
    assertThat(m.record(true)).isEmpty();
    assertThat(m.record(true)).isEmpty();
    assertThat(m.record(true)).contains(State.HEALTHY);
  }

  @Test
  void thresholdsBelowOneAreRefused() {
    assertThatThrownBy(() -> new HealthStateMachine(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HealthStateMachine(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
