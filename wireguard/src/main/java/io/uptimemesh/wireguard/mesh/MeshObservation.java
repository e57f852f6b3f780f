package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.wireguard.WgInterfaceState;
import java.util.List;
import java.util.Optional;

/**
 * The node's mesh side as read from the system.
 *
 * @param primary the primary interface, empty if it does not exist
 * @param secondary the secondary interface, empty if it does not exist
 * @param routes the routes on the two interfaces, as {@code ip} prints them (for the status)
 */
public record MeshObservation(
    Optional<WgInterfaceState> primary, Optional<WgInterfaceState> secondary, List<String> routes) {
  public MeshObservation {
    routes = List.copyOf(routes);
  }
}
