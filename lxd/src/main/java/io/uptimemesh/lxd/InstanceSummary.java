package io.uptimemesh.lxd;

import java.util.List;
import java.util.Map;

/**
 * A container as listed: its name, status, profiles and its own config (not the expanded one).
 *
 * @param name the container's name
 * @param status LXD's status text
 * @param statusCode LXD's status code
 * @param type container or virtual-machine
 * @param profiles the profiles applied, in order
 * @param config the instance's own config keys
 * @param ephemeral whether LXD deletes it when it stops
 */
public record InstanceSummary(
    String name,
    String status,
    int statusCode,
    String type,
    List<String> profiles,
    Map<String, String> config,
    boolean ephemeral) {
  public InstanceSummary {
    profiles = List.copyOf(profiles);
    config = Map.copyOf(config);
  }

  public boolean isRunning() {
    return statusCode == 103 || "Running".equals(status);
  }
}
