package io.uptimemesh.core.config;

import java.util.Objects;

/**
 * The {@code cluster} section of {@code config.yaml}.
 *
 * @param name the cluster name: 1..63 characters of a-z 0-9 -, starting with a letter
 * @param meshCidr the IPv4 block WireGuard mesh addresses come from, e.g. {@code 10.42.0.0/16}
 */
public record ClusterSection(String name, String meshCidr) {
  public ClusterSection {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(meshCidr, "meshCidr");
  }
}
