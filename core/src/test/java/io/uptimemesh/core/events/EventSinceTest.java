package io.uptimemesh.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventSinceTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

  private static EventSince parse(String s) {
    return EventSince.parse("since", s, CLOCK);
  }

  @Test
  void readsIdsTimesEpochMillisAndDurations() {
    assertThat(parse("1763800000123-0000-abcdef"))
        .isEqualTo(new EventSince.AfterId("1763800000123-0000-abcdef"));
    assertThat(parse("2026-11-22T10:00:00Z"))
        .isEqualTo(new EventSince.FromTime(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli()));
    assertThat(parse("2026-11-22T11:00:00+01:00"))
        .isEqualTo(new EventSince.FromTime(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli()));
    assertThat(parse("1763800000000")).isEqualTo(new EventSince.FromTime(1763800000000L));
    assertThat(parse("15m"))
        .isEqualTo(new EventSince.FromTime(Instant.parse("2026-11-22T11:45:00Z").toEpochMilli()));
    assertThat(parse("2d"))
        .isEqualTo(new EventSince.FromTime(Instant.parse("2026-11-20T12:00:00Z").toEpochMilli()));
  }

  @Test
  void anythingElseIsA400NamingTheParameter() {
    for (String bad : new String[] {"", "yesterday", "-5m", "0m", "12345678901234", "2026-13-01"}) {
      assertThatThrownBy(() -> parse(bad))
          .as(bad)
          .isInstanceOf(UptimeMeshException.class)
          .hasMessageStartingWith("since: expected an event id")
          .extracting(e -> ((UptimeMeshException) e).errorCode())
          .isEqualTo(ErrorCode.INVALID_REQUEST);
    }
  }
}
