package io.uptimemesh.wireguard.failover;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of {@link PathFailover}, for routes, status and metrics.
 *
 * @param active the path traffic takes now
 * @param primaryRouteMetric the metric the route through the primary interface gets
 * @param secondaryRouteMetric the metric the route through the secondary interface gets
 * @param primary what the probes said about the primary
 * @param secondary what the probes said about the secondary
 * @param failovers switches because the active path failed, since start
 * @param failbacks switches back to a stable primary, since start
 * @param lastSwitch the last switch, empty before the first
 * @param holdDownUntil no switch happens before this instant (empty when none happened yet)
 * @param controlPlaneReachable the last control-plane signal; informative only, it never moves
 *     traffic
 */
public record FailoverState(
    MeshPath active,
    int primaryRouteMetric,
    int secondaryRouteMetric,
    PathHealth primary,
    PathHealth secondary,
    long failovers,
    long failbacks,
    Optional<PathSwitch> lastSwitch,
    Optional<Instant> holdDownUntil,
    boolean controlPlaneReachable) {

  /** The route metric of {@code path}'s route. */
  public int routeMetric(MeshPath path) {
    return path == MeshPath.PRIMARY ? primaryRouteMetric : secondaryRouteMetric;
  }

  /** The probe history of {@code path}. */
  public PathHealth health(MeshPath path) {
    return path == MeshPath.PRIMARY ? primary : secondary;
  }

  /** When traffic last moved, empty before the first switch. */
  public Optional<Instant> lastSwitchAt() {
    return lastSwitch.map(PathSwitch::at);
  }
}
