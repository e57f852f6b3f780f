package io.uptimemesh.core.mesh;

import java.util.Optional;

/**
 * What a node tells the control plane about its WireGuard side: the public key of each interface
 * (made on the node; private keys never leave it) and its underlay endpoint for each path.
 *
 * @param primaryPublicKey base64 public key of the primary interface
 * @param primaryEndpoint {@code host:port} of the primary path
 * @param secondaryPublicKey base64 public key of the secondary interface, or empty
 * @param secondaryEndpoint {@code host:port} of the secondary path, or empty
 */
public record NodeWireGuard(
    String primaryPublicKey,
    String primaryEndpoint,
    Optional<String> secondaryPublicKey,
    Optional<String> secondaryEndpoint) {

  /** True if this node offers a secondary path (both its key and its endpoint are known). */
  public boolean hasSecondary() {
    return secondaryPublicKey.isPresent() && secondaryEndpoint.isPresent();
  }
}
