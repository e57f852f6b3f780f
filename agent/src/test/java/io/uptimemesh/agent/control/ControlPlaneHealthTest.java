package io.uptimemesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlPlaneHealthTest {
  @Test
  void degradedModeLogsOneWarningOnEntryAndOneInfoOnRecovery() {
    Logger logger = new LoggerContext().getLogger("test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    ControlPlaneHealth health = new ControlPlaneHealth(clock, logger);
    List<Boolean> changes = new ArrayList<>();
    health.onChange(changes::add);
    URI a = URI.create("http://a:1");

    health.succeeded(a);
    for (int i = 0; i < 5; i++) {
      health.allFailed("connection refused");
    }
    assertThat(health.degraded()).isTrue();
    assertThat(health.degradedSince()).contains(clock.instant());
    for (int i = 0; i < 3; i++) {
      health.succeeded(a);
    }

    assertThat(lines.list)
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.WARN, Level.INFO);
    assertThat(lines.list.get(0).getFormattedMessage())
        .contains("degraded mode", "connection refused");
    assertThat(health.degraded()).isFalse();
    assertThat(changes).containsExactly(false, true);
    assertThat(health.inUse()).contains(a);
  }
}
