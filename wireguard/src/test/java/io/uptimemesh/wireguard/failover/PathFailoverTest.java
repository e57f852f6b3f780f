package io.uptimemesh.wireguard.failover;

import static io.uptimemesh.wireguard.failover.MeshPath.PRIMARY;
import static io.uptimemesh.wireguard.failover.MeshPath.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PathFailoverTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration HOLD_DOWN = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(T0);

  private PathFailover machine(int threshold, int stable, boolean failback, Duration holdDown) {
    return new PathFailover(
        new FailoverSettings(threshold, stable, failback, holdDown, 100, 200), clock);
  }

  private PathFailover standard() {
    return machine(3, 5, true, HOLD_DOWN);
  }

  /** One probe per second, as the agent would run them. */
  private Optional<PathSwitch> probe(PathFailover failover, MeshPath path, boolean ok) {
    clock.advance(Duration.ofSeconds(1));
    return failover.onProbe(path, ok);
  }

  private void repeat(PathFailover failover, MeshPath path, boolean ok, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(probe(failover, path, ok)).as("probe %d of %d", i + 1, times).isEmpty();
    }
  }

  @Test
  void startsOnThePrimaryWithTheLowerMetric() {
    FailoverState state = standard().state();

    assertThat(state.active()).isEqualTo(PRIMARY);
    assertThat(state.routeMetric(PRIMARY)).isEqualTo(100);
    assertThat(state.routeMetric(SECONDARY)).isEqualTo(200);
    assertThat(state.failovers()).isZero();
    assertThat(state.lastSwitchAt()).isEmpty();
    assertThat(state.holdDownUntil()).isEmpty();
    assertThat(state.primary().unknown()).isTrue();
  }

  @Test
  void failsOverOnExactlyTheThresholdthConsecutiveFailure() {
    PathFailover failover = standard();
    probe(failover, SECONDARY, true);
    repeat(failover, PRIMARY, false, 2);
    Instant firstFailure = T0.plusSeconds(2);
    assertThat(failover.active()).isEqualTo(PRIMARY);

    Optional<PathSwitch> change = probe(failover, PRIMARY, false);

    assertThat(change).isPresent();
    assertThat(change.get().from()).isEqualTo(PRIMARY);
    assertThat(change.get().to()).isEqualTo(SECONDARY);
    assertThat(change.get().kind()).isEqualTo(PathSwitch.Kind.FAILOVER);
    assertThat(change.get().at()).isEqualTo(T0.plusSeconds(4));
    assertThat(change.get().timeToDetect()).hasValue(Duration.ofSeconds(2));
    assertThat(change.get().failingSince()).hasValue(firstFailure);
    FailoverState state = failover.state();
    assertThat(state.active()).isEqualTo(SECONDARY);
    assertThat(state.routeMetric(SECONDARY)).isEqualTo(100);
    assertThat(state.routeMetric(PRIMARY)).isEqualTo(200);
    assertThat(state.failovers()).isEqualTo(1);
    assertThat(state.failbacks()).isZero();
    assertThat(state.lastSwitchAt()).hasValue(T0.plusSeconds(4));
    assertThat(state.holdDownUntil()).hasValue(T0.plusSeconds(14));
  }

  @Test
  void aSuccessInBetweenResetsTheFailureCount() {
    PathFailover failover = standard();
    for (int round = 0; round < 20; round++) {
      repeat(failover, PRIMARY, false, 2);
      repeat(failover, PRIMARY, true, 1);
    }
    assertThat(failover.state().active()).isEqualTo(PRIMARY);
    assertThat(failover.state().failovers()).isZero();
    assertThat(failover.state().primary().consecutiveSuccesses()).isEqualTo(1);
  }

  @Test
  void failuresOfTheStandbyPathNeverMoveTraffic() {
    PathFailover failover = standard();
    repeat(failover, SECONDARY, false, 50);

    assertThat(failover.active()).isEqualTo(PRIMARY);
    assertThat(failover.state().secondary().down(3)).isTrue();
    assertThat(failover.state().secondary().consecutiveFailures()).isEqualTo(50);
  }

  @Test
  void aPathNobodyProbedYetIsNotKnownBadSoTrafficMovesThere() {
    PathFailover failover = standard();
    repeat(failover, PRIMARY, false, 2);

    assertThat(probe(failover, PRIMARY, false)).map(PathSwitch::to).hasValue(SECONDARY);
  }

  @Test
  void withBothPathsDownTrafficStaysWhereItIs() {
    PathFailover failover = standard();
    repeat(failover, SECONDARY, false, 3);
    for (int i = 0; i < 30; i++) {
      assertThat(probe(failover, PRIMARY, false)).isEmpty();
      assertThat(probe(failover, SECONDARY, false)).isEmpty();
    }

    FailoverState state = failover.state();
    assertThat(state.active()).isEqualTo(PRIMARY);
    assertThat(state.failovers()).isZero();
    assertThat(state.primary().down(3)).isTrue();
    assertThat(state.secondary().down(3)).isTrue();
  }

  @Test
  void whenBothWereDownTheFirstPathToRecoverTakesTheTraffic() {
    PathFailover failover = standard();
    repeat(failover, SECONDARY, false, 3);
    repeat(failover, PRIMARY, false, 10);

    // One success is enough: the secondary is then no longer known bad, the primary still is.
    Optional<PathSwitch> change = probe(failover, SECONDARY, true);

    assertThat(change).map(PathSwitch::to).hasValue(SECONDARY);
    assertThat(change.get().kind()).isEqualTo(PathSwitch.Kind.FAILOVER);
    assertThat(change.get().failingSince()).hasValue(T0.plusSeconds(4));
  }

  @Test
  void failsBackAfterTheStableCountOnThePrimary() {
    PathFailover failover = standard();
    repeat(failover, PRIMARY, false, 2);
    assertThat(probe(failover, PRIMARY, false)).isPresent();
    clock.advance(HOLD_DOWN);
    repeat(failover, SECONDARY, true, 3);
    repeat(failover, PRIMARY, true, 4);
    assertThat(failover.active()).isEqualTo(SECONDARY);

    Optional<PathSwitch> change = probe(failover, PRIMARY, true);

    assertThat(change).isPresent();
    assertThat(change.get().kind()).isEqualTo(PathSwitch.Kind.FAILBACK);
    assertThat(change.get().to()).isEqualTo(PRIMARY);
    assertThat(change.get().timeToDetect()).isEmpty();
    FailoverState state = failover.state();
    assertThat(state.active()).isEqualTo(PRIMARY);
    assertThat(state.routeMetric(PRIMARY)).isEqualTo(100);
    assertThat(state.failovers()).isEqualTo(1);
    assertThat(state.failbacks()).isEqualTo(1);
    assertThat(state.lastSwitchAt()).hasValue(change.get().at());
  }

  @Test
  void aFailureOnThePrimaryRestartsTheStableCount() {
    PathFailover failover = standard();
    repeat(failover, PRIMARY, false, 2);
    probe(failover, PRIMARY, false);
    clock.advance(HOLD_DOWN);
    repeat(failover, PRIMARY, true, 4);
    repeat(failover, PRIMARY, false, 1);
    repeat(failover, PRIMARY, true, 4);

    assertThat(failover.active()).isEqualTo(SECONDARY);
    assertThat(probe(failover, PRIMARY, true))
        .map(PathSwitch::kind)
        .hasValue(PathSwitch.Kind.FAILBACK);
  }

  @Test
  void noSwitchWithinTheHoldDownAndTheDelayedSwitchHappensWhenItEnds() {
    PathFailover failover = standard();
    repeat(failover, PRIMARY, false, 2);
    PathSwitch first = probe(failover, PRIMARY, false).orElseThrow();

    // The primary is stable again at once: 5 successes in 5 s, still inside the 10 s hold-down.
    repeat(failover, PRIMARY, true, 5);
    assertThat(failover.active()).isEqualTo(SECONDARY);
    assertThat(failover.evaluate()).isEmpty();

    clock.advance(Duration.between(clock.instant(), first.at().plus(HOLD_DOWN)).minusMillis(1));
    assertThat(failover.evaluate()).isEmpty();

    clock.advance(Duration.ofMillis(1));
    Optional<PathSwitch> back = failover.evaluate();
    assertThat(back).map(PathSwitch::kind).hasValue(PathSwitch.Kind.FAILBACK);
    assertThat(back.get().at()).isEqualTo(first.at().plus(HOLD_DOWN));
  }

  @Test
  void aFailoverAlsoWaitsForTheHoldDown() {
    PathFailover failover = machine(3, 1, true, HOLD_DOWN);
    repeat(failover, PRIMARY, false, 2);
    probe(failover, PRIMARY, false);
    // Hold-down of the failover ends at T0+13 s. Failback right after it.
    clock.advance(HOLD_DOWN);
    assertThat(probe(failover, PRIMARY, true))
        .map(PathSwitch::kind)
        .hasValue(PathSwitch.Kind.FAILBACK);
    Instant failbackAt = clock.instant();

    // The primary fails again at once: the threshold is reached within the new hold-down.
    repeat(failover, PRIMARY, false, 3);
    assertThat(failover.active()).isEqualTo(PRIMARY);
    clock.advance(Duration.between(clock.instant(), failbackAt.plus(HOLD_DOWN)));

    assertThat(failover.evaluate()).map(PathSwitch::to).hasValue(SECONDARY);
    assertThat(failover.state().failovers()).isEqualTo(2);
  }

  @Test
  void aFlappingPrimaryCannotMakeTheRoutesOscillate() {
    // The most eager settings: one failure leaves, one success returns.
    PathFailover failover = machine(1, 1, true, HOLD_DOWN);
    List<PathSwitch> switches = new ArrayList<>();
    for (int second = 0; second < 120; second++) {
      probe(failover, SECONDARY, true);
      probe(failover, PRIMARY, second % 2 == 0).ifPresent(switches::add);
    }

    // Without the hold-down this would be one switch per probe (120); with it, switches are at
    // least the hold-down apart.
    assertThat(switches).hasSizeBetween(2, 25);
    for (int i = 1; i < switches.size(); i++) {
      assertThat(Duration.between(switches.get(i - 1).at(), switches.get(i).at()))
          .isGreaterThanOrEqualTo(HOLD_DOWN);
    }
    FailoverState state = failover.state();
    assertThat(state.failovers() + state.failbacks()).isEqualTo(switches.size());
  }

  @Test
  void aFlappingPrimaryNeverReachesTheStableCountSoTrafficStaysOnTheSecondary() {
    PathFailover failover = standard();
    List<PathSwitch> switches = new ArrayList<>();
    for (int round = 0; round < 30; round++) {
      for (int i = 0; i < 3; i++) {
        probe(failover, PRIMARY, false).ifPresent(switches::add);
      }
      for (int i = 0; i < 4; i++) {
        probe(failover, PRIMARY, true).ifPresent(switches::add);
      }
      probe(failover, SECONDARY, true).ifPresent(switches::add);
    }

    assertThat(switches).hasSize(1);
    assertThat(switches.get(0).kind()).isEqualTo(PathSwitch.Kind.FAILOVER);
    assertThat(failover.active()).isEqualTo(SECONDARY);
  }

  @Test
  void withFailbackOffTrafficStaysOnAHealthySecondary() {
    PathFailover failover = machine(3, 5, false, HOLD_DOWN);
    repeat(failover, PRIMARY, false, 2);
    probe(failover, PRIMARY, false);
    clock.advance(HOLD_DOWN);
    repeat(failover, PRIMARY, true, 100);
    repeat(failover, SECONDARY, true, 10);

    assertThat(failover.active()).isEqualTo(SECONDARY);
    assertThat(failover.evaluate()).isEmpty();
    assertThat(failover.state().failbacks()).isZero();
  }

  @Test
  void withFailbackOffAFailingSecondaryStillFailsOverToThePrimary() {
    PathFailover failover = machine(3, 5, false, HOLD_DOWN);
    repeat(failover, PRIMARY, false, 2);
    probe(failover, PRIMARY, false);
    clock.advance(HOLD_DOWN);
    repeat(failover, PRIMARY, true, 1);
    repeat(failover, SECONDARY, false, 2);

    Optional<PathSwitch> change = probe(failover, SECONDARY, false);

    assertThat(change).isPresent();
    assertThat(change.get().from()).isEqualTo(SECONDARY);
    assertThat(change.get().to()).isEqualTo(PRIMARY);
    assertThat(change.get().kind()).isEqualTo(PathSwitch.Kind.FAILOVER);
    assertThat(failover.state().failovers()).isEqualTo(2);
    assertThat(failover.routeMetric(PRIMARY)).isEqualTo(100);
  }

  @Test
  void aControlPlaneOutageNeverMovesTrafficNorTouchesTheCounts() {
    PathFailover failover = standard();
    repeat(failover, PRIMARY, false, 2);
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofSeconds(1));
      failover.onControlPlane(false);
      assertThat(failover.evaluate()).isEmpty();
    }

    FailoverState during = failover.state();
    assertThat(during.active()).isEqualTo(PRIMARY);
    assertThat(during.controlPlaneReachable()).isFalse();
    assertThat(during.failovers()).isZero();
    assertThat(during.primary().consecutiveFailures()).isEqualTo(2);
    assertThat(during.secondary().unknown()).isTrue();

    // The two path failures before the outage still count: the third one switches.
    assertThat(probe(failover, PRIMARY, false)).isPresent();
    failover.onControlPlane(true);
    assertThat(failover.state().controlPlaneReachable()).isTrue();
  }

  @Test
  void aControlPlaneOutageDoesNotHoldUpAFailback() {
    PathFailover failover = machine(3, 2, true, Duration.ZERO);
    repeat(failover, PRIMARY, false, 2);
    probe(failover, PRIMARY, false);
    failover.onControlPlane(false);
    repeat(failover, PRIMARY, true, 1);

    assertThat(probe(failover, PRIMARY, true))
        .map(PathSwitch::kind)
        .hasValue(PathSwitch.Kind.FAILBACK);
  }

  @Test
  void refusesSettingsThatCannotWork() {
    assertThatThrownBy(() -> new FailoverSettings(0, 5, true, HOLD_DOWN, 100, 200))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("failover threshold");
    assertThatThrownBy(() -> new FailoverSettings(3, 0, true, HOLD_DOWN, 100, 200))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("stable count");
    assertThatThrownBy(() -> new FailoverSettings(3, 5, true, Duration.ofSeconds(-1), 100, 200))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("hold-down");
    assertThatThrownBy(() -> new FailoverSettings(3, 5, true, HOLD_DOWN, 200, 200))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("200 and 200");
    assertThat(FailoverSettings.DEFAULTS.primaryMetric()).isEqualTo(100);
  }
}
