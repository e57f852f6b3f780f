package io.uptimemesh.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final RestartPolicy policy =
      new RestartPolicy(Duration.ofMillis(500), Duration.ofSeconds(4), 3, Duration.ofMinutes(10));

  @Test
  void backoffDoublesPerRecentCrashUpToTheCap() {
    assertThat(delayAt(T0)).isEqualTo(Duration.ofMillis(500));
    assertThat(delayAt(T0.plusSeconds(1))).isEqualTo(Duration.ofMillis(1000));
    assertThat(delayAt(T0.plusSeconds(2))).isEqualTo(Duration.ofMillis(2000));

    RestartPolicy capped =
        new RestartPolicy(
            Duration.ofMillis(500), Duration.ofSeconds(4), 10, Duration.ofMinutes(10));
    Duration last = Duration.ZERO;
    for (int i = 0; i < 8; i++) {
      last = ((RestartPolicy.Restart) capped.onCrash(T0.plusSeconds(i))).delay();
    }
    assertThat(last).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void givesUpWhenMoreCrashesThanTheBudgetFallInTheWindow() {
    policy.onCrash(T0);
    policy.onCrash(T0.plusSeconds(60));
    policy.onCrash(T0.plusSeconds(120));
    RestartPolicy.Decision fourth = policy.onCrash(T0.plusSeconds(180));

    assertThat(fourth).isInstanceOf(RestartPolicy.GiveUp.class);
    assertThat(((RestartPolicy.GiveUp) fourth).reason())
        .contains("4 times")
        .contains("600 s")
        .contains("crash budget 3");
  }

  @Test
  void aGoodRunBetweenCrashesDoesNotResetTheBudget() {
    // Crash, (restart succeeds, runs a while), crash, ... all inside the window: still a loop.
    policy.onCrash(T0);
    policy.onCrash(T0.plusSeconds(200));
    policy.onCrash(T0.plusSeconds(400));
    assertThat(policy.onCrash(T0.plusSeconds(590))).isInstanceOf(RestartPolicy.GiveUp.class);
  }

  @Test
  void crashesOlderThanTheWindowNoLongerCount() {
    policy.onCrash(T0);
    policy.onCrash(T0.plusSeconds(1));
    policy.onCrash(T0.plusSeconds(2));
    RestartPolicy.Decision later = policy.onCrash(T0.plusSeconds(2 + 600));

    assertThat(later).isInstanceOf(RestartPolicy.Restart.class);
    assertThat(((RestartPolicy.Restart) later).crashesInWindow()).isEqualTo(2);
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThatThrownBy(
            () -> new RestartPolicy(Duration.ZERO, Duration.ofSeconds(1), 1, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new RestartPolicy(
                    Duration.ofSeconds(2), Duration.ofSeconds(1), 1, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new RestartPolicy(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Duration delayAt(Instant t) {
    return ((RestartPolicy.Restart) policy.onCrash(t)).delay();
  }
}
