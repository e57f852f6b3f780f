package io.uptimemesh.lxd;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What to create: a container from a local image alias, with profiles, config keys ({@code
 * limits.memory}, {@code environment.X}...) and devices ({@code {"eth0": {"type": "nic", ...}}}).
 * Profiles apply in order; an empty list means LXD's {@code default} profile.
 *
 * @param name the container's name (a host name: letters, digits, hyphens)
 * @param imageAlias the alias of an image already in the daemon (nothing is downloaded)
 * @param profiles the profiles to apply, in order; empty for LXD's default
 * @param config instance config keys
 * @param devices devices by name, each a map of its properties
 */
public record InstanceSpec(
    String name,
    String imageAlias,
    List<String> profiles,
    Map<String, String> config,
    Map<String, Map<String, String>> devices) {
  public InstanceSpec {
    LxdNames.requireInstance(name);
    LxdNames.requireImageAlias(imageAlias);
    profiles = profiles == null ? List.of() : List.copyOf(profiles);
    profiles.forEach(LxdNames::requireProfile);
    config = config == null ? Map.of() : Map.copyOf(new TreeMap<>(config));
    Map<String, Map<String, String>> copy = new TreeMap<>();
    if (devices != null) {
      devices.forEach((k, v) -> copy.put(k, v == null ? Map.of() : Map.copyOf(v)));
    }
    devices = Map.copyOf(copy);
  }

  /** A container from an image alias with LXD's default profile and nothing else. */
  public static InstanceSpec of(String name, String imageAlias) {
    return new InstanceSpec(name, imageAlias, List.of(), Map.of(), Map.of());
  }

  public InstanceSpec withProfiles(List<String> newProfiles) {
    return new InstanceSpec(name, imageAlias, newProfiles, config, devices);
  }

  public InstanceSpec withConfig(Map<String, String> newConfig) {
    return new InstanceSpec(name, imageAlias, profiles, newConfig, devices);
  }

  public InstanceSpec withDevices(Map<String, Map<String, String>> newDevices) {
    return new InstanceSpec(name, imageAlias, profiles, config, newDevices);
  }
}
