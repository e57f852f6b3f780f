package io.uptimemesh.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.etcd.EtcdHealthState;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventLevel;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteGuardEventsTest {
  /** What was recorded, in order. */
  record Recorded(long timeMs, String name, EventLevel level, Map<String, String> fields) {}

  private final List<Recorded> recorded = new ArrayList<>();
  private Instant now = Instant.parse("2026-11-22T12:00:00Z");

  private final Events events =
      new Events() {
        @Override
        public void record(
            EventCategory c, String n, EventLevel l, String a, Map<String, String> f) {
          recordAt(now.toEpochMilli(), c, n, l, a, f);
        }

        @Override
        public void recordAt(
            long t, EventCategory c, String n, EventLevel l, String a, Map<String, String> f) {
          assertThat(c).isEqualTo(EventCategory.ETCD);
          recorded.add(new Recorded(t, n, l, f));
        }
      };

  private final WriteGuardEvents guard =
      new WriteGuardEvents(
          events,
          "core-a",
          new Clock() {
            @Override
            public java.time.ZoneId getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return now;
            }
          });

  private void grade(EtcdHealthState state, Instant since) {
    guard.accept(
        new EtcdHealth(
            state, state.acceptsWrites(), 1, List.of(), Duration.ZERO, null, since, null));
  }

  @Test
  void theStartIsNoTransitionButARefusalIsRecordedWhenWritesComeBack() {
    Instant start = now;
    grade(EtcdHealthState.DOWN, start); // before the first probe answers
    grade(EtcdHealthState.OK, start);
    assertThat(recorded).isEmpty();

    Instant refusing = now.plusSeconds(10);
    now = refusing;
    grade(EtcdHealthState.STALE, refusing);
    now = now.plusSeconds(5);
    grade(EtcdHealthState.DOWN, now);
    grade(EtcdHealthState.STALE, now);
    assertThat(recorded).as("nothing can be written while refusing").isEmpty();

    now = now.plusSeconds(3);
    grade(EtcdHealthState.DEGRADED, now);
    grade(EtcdHealthState.OK, now);

    assertThat(recorded).hasSize(2);
    assertThat(recorded.get(0))
        .isEqualTo(
            new Recorded(
                refusing.toEpochMilli(),
                "write_guard_engaged",
                EventLevel.WARNING,
                Map.of("core_node", "core-a", "etcd_status", "stale")));
    assertThat(recorded.get(1).name()).isEqualTo("write_guard_released");
    assertThat(recorded.get(1).fields())
        .containsEntry("refused_ms", "8000")
        .containsEntry("worst_status", "down")
        .containsEntry("etcd_status", "degraded");
  }
}
