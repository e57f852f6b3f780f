package io.uptimemesh.wireguard.failover;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The route-metric failover state machine between a node's two mesh paths. Pure: probe results go
 * in, the active path and each route's metric come out; the caller runs the probes and changes the
 * routes.
 *
 * <p>The rules, in order, checked after every input:
 *
 * <ol>
 *   <li>Within the hold-down after any switch nothing moves, so a flapping link cannot make the
 *       routes oscillate. Probe results still count during the hold-down.
 *   <li><b>Failover</b>: once the active path has failed {@code failoverThreshold} probes in a row,
 *       traffic moves to the other path unless that one is known bad too (it failed as many in a
 *       row). A path nobody probed yet is not known bad. With both paths down, traffic stays where
 *       it is: swapping between two dead paths helps nobody and only churns routes.
 *   <li><b>Failback</b> (when enabled): while the secondary is active, once the primary has passed
 *       {@code failbackStableCount} probes in a row, traffic returns to the primary.
 * </ol>
 *
 * <p>The control plane's reachability is recorded for status only: the mesh runs between the nodes,
 * so a core outage says nothing about a path and must never move traffic.
 *
 * <p>Not thread-safe: one owner (the agent's path verticle) feeds it.
 */
public final class PathFailover {
  private final FailoverSettings settings;
  private final Clock clock;

  private MeshPath active = MeshPath.PRIMARY;
  private PathHealth primary = PathHealth.UNKNOWN;
  private PathHealth secondary = PathHealth.UNKNOWN;
  private long failovers;
  private long failbacks;
  private Optional<PathSwitch> lastSwitch = Optional.empty();
  private boolean controlPlaneReachable = true;

  /** Starts on the primary path, nothing known about either path. */
  public PathFailover(FailoverSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records one probe result for {@code path} and applies the rules.
   *
   * @return the switch this result caused, if any; the caller then swaps the route metrics
   */
  public Optional<PathSwitch> onProbe(MeshPath path, boolean success) {
    Objects.requireNonNull(path, "path");
    Instant now = clock.instant();
    PathHealth before = health(path);
    PathHealth after = success ? before.success(now) : before.failure(now);
    if (path == MeshPath.PRIMARY) {
      primary = after;
    } else {
      secondary = after;
    }
    return decide(now);
  }

  /**
   * Applies the rules without a new probe result: a switch that the hold-down delayed happens here
   * once it ends, even if no probe reports in between.
   */
  public Optional<PathSwitch> evaluate() {
    return decide(clock.instant());
  }

  /**
   * Records whether the control plane answered. Never moves traffic and never touches the probe
   * counts: a core outage is not a path failure.
   */
  public void onControlPlane(boolean reachable) {
    controlPlaneReachable = reachable;
  }

  /** A snapshot of the current state. */
  public FailoverState state() {
    return new FailoverState(
        active,
        routeMetric(MeshPath.PRIMARY),
        routeMetric(MeshPath.SECONDARY),
        primary,
        secondary,
        failovers,
        failbacks,
        lastSwitch,
        lastSwitch.map(s -> s.at().plus(settings.holdDown())),
        controlPlaneReachable);
  }

  /** The path traffic takes now. */
  public MeshPath active() {
    return active;
  }

  /** The metric {@code path}'s route gets: the lower one for the active path. */
  public int routeMetric(MeshPath path) {
    return path == active ? settings.primaryMetric() : settings.secondaryMetric();
  }

  private Optional<PathSwitch> decide(Instant now) {
    if (inHoldDown(now)) {
      return Optional.empty();
    }
    int threshold = settings.failoverThreshold();
    PathHealth current = health(active);
    PathHealth standby = health(active.other());
    if (current.down(threshold) && !standby.down(threshold)) {
      failovers++;
      return Optional.of(
          switchTo(active.other(), PathSwitch.Kind.FAILOVER, now, current.failingSince()));
    }
    if (active == MeshPath.SECONDARY
        && settings.failbackEnabled()
        && primary.consecutiveSuccesses() >= settings.failbackStableCount()) {
      failbacks++;
      return Optional.of(
          switchTo(MeshPath.PRIMARY, PathSwitch.Kind.FAILBACK, now, Optional.empty()));
    }
    return Optional.empty();
  }

  private PathSwitch switchTo(
      MeshPath target, PathSwitch.Kind kind, Instant now, Optional<Instant> failingSince) {
    PathSwitch change = new PathSwitch(active, target, kind, now, failingSince);
    active = target;
    lastSwitch = Optional.of(change);
    return change;
  }

  private boolean inHoldDown(Instant now) {
    return lastSwitch.isPresent() && now.isBefore(lastSwitch.get().at().plus(settings.holdDown()));
  }

  private PathHealth health(MeshPath path) {
    return path == MeshPath.PRIMARY ? primary : secondary;
  }
}
