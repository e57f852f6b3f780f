package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }
      };
  private final LoginRateLimiter limiter = new LoginRateLimiter(3, Duration.ofSeconds(60), clock);

  @Test
  void blocksAfterTheLastAllowedFailureUntilTheOldestLeavesTheWindow() {
    limiter.recordFailure("10.0.0.1");
    now.addAndGet(10_000);
    limiter.recordFailure("10.0.0.1");
    assertThat(limiter.retryAfterMs("10.0.0.1")).isZero();
    limiter.recordFailure("10.0.0.1");

    assertThat(limiter.retryAfterMs("10.0.0.1")).isEqualTo(50_000);
    assertThat(limiter.retryAfterMs("10.0.0.2")).isZero();

    now.addAndGet(50_000); // the first failure is 60 s old: two left in the window
    assertThat(limiter.retryAfterMs("10.0.0.1")).isZero();
  }

  @Test
  void failuresOutsideTheWindowDoNotCount() {
    for (int i = 0; i < 10; i++) {
      limiter.recordFailure("10.0.0.1");
      now.addAndGet(30_001);
    }
    assertThat(limiter.retryAfterMs("10.0.0.1")).isZero();
  }
}
