package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.wireguard.WgPrivateKey;
import java.util.Objects;

/**
 * One of the node's two WireGuard interfaces.
 *
 * @param name the interface name (unique on the host: wireguard-go's control sockets are shared by
 *     all network namespaces)
 * @param privateKey this interface's private key (never logged, never sent)
 * @param listenPort the UDP port of its underlay endpoint
 */
public record MeshInterface(String name, WgPrivateKey privateKey, int listenPort) {
  public MeshInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(privateKey, "privateKey");
  }
}
