package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.wireguard.failover.MeshPath;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the node's mesh side should be: the control plane's desired state plus what only the node
 * knows (its private keys, its listen ports, which path each peer's traffic takes now).
 *
 * @param desired the last desired state the agent accepted
 * @param primary the primary interface
 * @param secondary the secondary interface, empty if this node has no secondary path
 * @param activePaths per peer node id, the path its traffic takes; a peer not listed takes {@code
 *     meshCidrPath}
 * @param meshCidrPath the path whose route for the whole mesh CIDR gets the lower metric
 * @param primaryMetric route metric of a peer's (and the CIDR's) active path
 * @param secondaryMetric route metric of the standby path, higher than {@code primaryMetric}
 */
public record MeshTarget(
    DesiredState desired,
    MeshInterface primary,
    Optional<MeshInterface> secondary,
    Map<String, MeshPath> activePaths,
    MeshPath meshCidrPath,
    long primaryMetric,
    long secondaryMetric) {

  public MeshTarget {
    Objects.requireNonNull(desired, "desired");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(secondary, "secondary");
    activePaths = Map.copyOf(activePaths);
    Objects.requireNonNull(meshCidrPath, "meshCidrPath");
  }
}
