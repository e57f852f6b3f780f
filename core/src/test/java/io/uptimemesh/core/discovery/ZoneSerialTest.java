package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ZoneSerialTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_795_000_000L);

  @Test
  void firstSerialIsTheClock() {
    assertThat(ZoneSerial.next(-1, NOW)).isEqualTo(1_795_000_000L);
  }

  @Test
  void clockAheadOfPreviousWins() {
    assertThat(ZoneSerial.next(1_700_000_000L, NOW)).isEqualTo(1_795_000_000L);
  }

  @Test
  void twoChangesInOneSecondStillIncrease() {
    long first = ZoneSerial.next(-1, NOW);
    long second = ZoneSerial.next(first, NOW);
    long third = ZoneSerial.next(second, NOW);
    assertThat(second).isEqualTo(first + 1);
    assertThat(third).isEqualTo(first + 2);
    // A burst ran ahead of the clock; the next second does not go back.
    assertThat(ZoneSerial.next(third, NOW.plusSeconds(1))).isEqualTo(first + 3);
    assertThat(ZoneSerial.next(third, NOW.plusSeconds(10))).isEqualTo(first + 10);
  }

  @Test
  void aClockThatWentBackDoesNotLowerTheSerial() {
    assertThat(ZoneSerial.next(1_795_000_000L, NOW.minusSeconds(3600))).isEqualTo(1_795_000_001L);
  }

  @Test
  void wrapsModulo2To32SkippingZero() {
    assertThat(ZoneSerial.next(ZoneSerial.MAX, Instant.EPOCH)).isEqualTo(1);
    assertThat(ZoneSerial.isAfter(1, ZoneSerial.MAX)).isTrue();
    assertThat(ZoneSerial.next(ZoneSerial.MAX - 1, Instant.EPOCH)).isEqualTo(ZoneSerial.MAX);
  }

  @Test
  void clockPast2106WrapsAndStaysAheadInSerialArithmetic() {
    Instant after2106 = Instant.ofEpochSecond((1L << 32) + 5);
    long previous = ZoneSerial.MAX - 10;
    long next = ZoneSerial.next(previous, after2106);
    assertThat(next).isEqualTo(5);
    assertThat(ZoneSerial.isAfter(next, previous)).isTrue();
  }

  @Test
  void neverJumpsByHalfTheSpaceOrMore() {
    // The clock is exactly 2^31 ahead: undefined in RFC 1982, so step by one instead.
    long previous = 100;
    Instant half = Instant.ofEpochSecond(previous + (1L << 31));
    assertThat(ZoneSerial.next(previous, half)).isEqualTo(101);
    // Just under half: a legal jump.
    Instant under = Instant.ofEpochSecond(previous + (1L << 31) - 1);
    assertThat(ZoneSerial.next(previous, under)).isEqualTo(previous + (1L << 31) - 1);
  }

  @Test
  void everyNextIsAfterThePreviousOverManySteps() {
    long serial = ZoneSerial.MAX - 500;
    Instant clock = Instant.ofEpochSecond(0);
    for (int i = 0; i < 1000; i++) {
      long next = ZoneSerial.next(serial, clock.plusSeconds(i / 3));
      assertThat(ZoneSerial.isAfter(next, serial)).as("step %d from %d", i, serial).isTrue();
      assertThat(next).isNotZero().isBetween(1L, ZoneSerial.MAX);
      serial = next;
    }
  }

  @Test
  void isAfterFollowsRfc1982() {
    assertThat(ZoneSerial.isAfter(2, 1)).isTrue();
    assertThat(ZoneSerial.isAfter(1, 2)).isFalse();
    assertThat(ZoneSerial.isAfter(1, 1)).isFalse();
    assertThat(ZoneSerial.isAfter(0, ZoneSerial.MAX)).isTrue();
    assertThat(ZoneSerial.isAfter((1L << 31) - 1, 0)).isTrue();
    assertThat(ZoneSerial.isAfter(1L << 31, 0)).isFalse();
    assertThat(ZoneSerial.isAfter(0, 1L << 31)).isFalse();
  }

  @Test
  void refusesAPreviousSerialOutOfRange() {
    assertThatThrownBy(() -> ZoneSerial.next(1L << 32, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
