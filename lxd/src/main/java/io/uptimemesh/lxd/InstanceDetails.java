package io.uptimemesh.lxd;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One container as {@code GET /1.0/instances/NAME} shows it: its own profiles, config and devices
 * (not the ones expanded from its profiles), which is what a reconciler compares with what it
 * wants.
 *
 * @param name the container's name
 * @param status LXD's status text
 * @param statusCode LXD's status code (103 running, 102 stopped)
 * @param profiles the profiles applied, in order
 * @param config the instance's own config keys, LXD's {@code volatile.*} and {@code image.*}
 *     included
 * @param devices the instance's own devices, each a map of its properties
 */
public record InstanceDetails(
    String name,
    String status,
    int statusCode,
    List<String> profiles,
    Map<String, String> config,
    Map<String, Map<String, String>> devices) {
  public InstanceDetails {
    profiles = List.copyOf(profiles);
    config = Map.copyOf(config);
    Map<String, Map<String, String>> copy = new TreeMap<>();
    devices.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    devices = Map.copyOf(copy);
  }

  public boolean isRunning() {
    return statusCode == 103 || "Running".equals(status);
  }

  /**
   * The config keys a user sets: without the {@code volatile.*} keys LXD keeps its own state in and
   * the {@code image.*} keys it copies from the image at creation.
   */
  public Map<String, String> userConfig() {
    Map<String, String> out = new TreeMap<>();
    config.forEach(
        (k, v) -> {
          if (!LxdJson.isLxdOwnedKey(k)) {
            out.put(k, v);
          }
        });
    return out;
  }
}
