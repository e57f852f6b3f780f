package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.lxd.InstanceDetails;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The container a replica assignment asks for, in LXD's terms: image, profiles, its own config and
 * its devices, and the names the reconciler gives containers and snapshots. Pure, so that what is
 * compared with the observed container is computed in one tested place.
 *
 * @param name the container's name (the replica id)
 * @param image the image alias it is created from
 * @param profiles its profiles, in order
 * @param config its own config: the spec's keys, {@code limits.*} from the spec's limits, and the
 *     {@code user.uptimemesh.*} keys that record which generation and image it runs
 * @param devices one {@code proxy} device per port
 */
public record ContainerPlan(
    String name,
    String image,
    List<String> profiles,
    Map<String, String> config,
    Map<String, Map<String, String>> devices) {
  /** The generation the container runs; restored with a snapshot like the rest of its config. */
  public static final String GENERATION_KEY = "user.uptimemesh.generation";

  /** The image alias it was created from: an image change needs a new container. */
  public static final String IMAGE_KEY = "user.uptimemesh.image";

  public static final String SERVICE_KEY = "user.uptimemesh.service";

  /** The suffix of the stopped container kept as the fallback across an image change. */
  public static final String FALLBACK_SUFFIX = "-prev";

  /** Snapshots are named after the generation they hold. */
  public static final String SNAPSHOT_PREFIX = "gen-";

  public ContainerPlan {
    profiles = List.copyOf(profiles);
    config = Map.copyOf(new TreeMap<>(config));
    Map<String, Map<String, String>> copy = new TreeMap<>();
    devices.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    devices = Map.copyOf(copy);
  }

  /**
   * What an assignment asks for. A spec without image takes {@code LXD_DEFAULT_IMAGE}, one without
   * profiles {@code LXD_DEFAULT_PROFILE}.
   *
   * @throws UptimeMeshException INVALID_REQUEST when there is no image to create from
   */
  public static ContainerPlan of(ReplicaAssignment a, AgentLxdSettings settings) {
    WorkloadSpec spec = a.spec();
    String image = spec.image();
    if (image == null || image.isBlank()) {
      image =
          settings
              .defaultImage()
              .orElseThrow(
                  () ->
                      UptimeMeshException.invalid(
                          "the workload spec of replica '"
                              + a.replicaId()
                              + "' names no image and LXD_DEFAULT_IMAGE is empty"));
    }
    List<String> profiles =
        spec.profiles().isEmpty() ? List.of(settings.defaultProfile()) : spec.profiles();
    Map<String, String> config = new TreeMap<>(spec.config());
    if (spec.limits() != null) {
      if (spec.limits().cpu() > 0) {
        config.put("limits.cpu", Integer.toString(spec.limits().cpu()));
      }
      if (spec.limits().memory() != null) {
        config.put("limits.memory", spec.limits().memory());
      }
    }
    config.put(GENERATION_KEY, Long.toString(a.generation()));
    config.put(IMAGE_KEY, image);
    config.put(SERVICE_KEY, a.service());
    Map<String, Map<String, String>> devices = new LinkedHashMap<>();
    for (WorkloadSpec.PortSpec port : spec.ports()) {
      int hostPort = a.hostPorts().getOrDefault(port.name(), port.port());
      devices.put(
          "port-" + port.name(),
          Map.of(
              "type",
              "proxy",
              "listen",
              port.protocol() + ":" + hostLiteral(a.meshIp()) + ":" + hostPort,
              "connect",
              port.protocol() + ":127.0.0.1:" + port.port(),
              "bind",
              "host"));
    }
    return new ContainerPlan(a.replicaId(), image, profiles, config, devices);
  }

  /** True when the container holds exactly this plan's profiles, own config and devices. */
  public boolean matches(InstanceDetails observed) {
    return observed.profiles().equals(profiles)
        && observed.userConfig().equals(config)
        && observed.devices().equals(devices);
  }

  /** The generation a container records, empty when it records none (not one of ours). */
  public static OptionalLong generationOf(InstanceDetails container) {
    String text = container.config().get(GENERATION_KEY);
    if (text == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  public static String imageOf(InstanceDetails container) {
    return container.config().getOrDefault(IMAGE_KEY, "");
  }

  public static String snapshotName(long generation) {
    return SNAPSHOT_PREFIX + generation;
  }

  /** The generation a snapshot of ours holds, empty for other snapshots. */
  public static OptionalLong snapshotGeneration(String snapshot) {
    if (!snapshot.startsWith(SNAPSHOT_PREFIX)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(snapshot.substring(SNAPSHOT_PREFIX.length())));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  public static String fallbackName(String replicaId) {
    return replicaId + FALLBACK_SUFFIX;
  }

  private static String hostLiteral(String ip) {
    return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
  }
}
