package io.uptimemesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromOneSecondToTheSixtySecondCap() {
    Backoff top = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.999999);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      delays.add(top.next().toMillis());
    }
    assertThat(delays)
        .containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L, 60000L);
  }

  @Test
  void jitterDrawsBetweenHalfAndAllOfTheStep() {
    Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.0);
    assertThat(low.next()).isEqualTo(Duration.ofMillis(500));
    assertThat(low.next()).isEqualTo(Duration.ofMillis(1000));
    Backoff mid = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.5);
    assertThat(mid.next().toMillis()).isBetween(740L, 760L);
  }

  @Test
  void realJitterSpreadsAgentsApart() {
    List<Long> firsts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      firsts.add(Backoff.standard().next().toMillis());
    }
    assertThat(firsts).allSatisfy(d -> assertThat(d).isBetween(500L, 1000L));
    assertThat(firsts.stream().distinct().count()).isGreaterThan(10);
  }

  @Test
  void resetStartsOver() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.999999);
    b.next();
    b.next();
    b.next();
    b.reset();
    assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.attempts()).isEqualTo(1);
  }
}
