package io.uptimemesh.core.discovery;

import java.util.Objects;

/**
 * A cluster node as the zone sees it.
 *
 * @param id the node id (used for the label when name is null)
 * @param name the node name; sanitised to a label for {@code <name>.node.<domain>}
 * @param meshAddress the node's mesh IPv4 address
 */
public record DiscoveryNode(String id, String name, String meshAddress) {
  public DiscoveryNode {
    Objects.requireNonNull(id, "id");
  }

  /** Rejects a node the zone could not publish, naming the bad field. */
  public static DiscoveryNode validated(String id, String name, String meshAddress) {
    DnsNames.requireSanitised("name", name == null ? id : name);
    if (DnsNames.requireAddress("mesh_address", meshAddress).ipv6()) {
      throw io.uptimemesh.core.error.UptimeMeshException.invalid(
          "mesh_address must be an IPv4 address");
    }
    return new DiscoveryNode(id, name, meshAddress);
  }

  /** The label this node has under {@code node.<domain>}, if its name can be made into one. */
  java.util.Optional<String> label() {
    return DnsNames.sanitise(name == null ? id : name);
  }
}
