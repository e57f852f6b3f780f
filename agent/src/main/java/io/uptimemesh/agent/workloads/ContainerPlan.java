package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.lxd.InstanceDetails;
import io.uptimemesh.lxd.InstanceSpec;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The container a replica assignment asks for, in LXD's terms (an {@link InstanceSpec}: image,
 * profiles, its own config and its devices), and the names the reconciler gives containers and
 * snapshots. Pure, so that what is compared with the observed container is computed in one tested
 * place. The config holds the spec's keys, {@code limits.*} from the spec's limits, and the {@code
 * user.uptimemesh.*} keys that record which generation and image the container runs; the devices
 * are one {@code proxy} per port.
 */
public final class ContainerPlan {
  /** The generation the container runs; restored with a snapshot like the rest of its config. */
  public static final String GENERATION_KEY = "user.uptimemesh.generation";

  /** The image alias it was created from: an image change needs a new container. */
  public static final String IMAGE_KEY = "user.uptimemesh.image";

  public static final String SERVICE_KEY = "user.uptimemesh.service";

  /**
   * The sequence number of the last operator command carried out on the container (ADR 0014), so
   * that an agent restart does not repeat it. Not part of the plan: {@link #matches} ignores it and
   * a reconfiguration keeps it ({@link #keepingCommandSeq}).
   */
  public static final String COMMAND_SEQ_KEY = "user.uptimemesh.command-seq";

  /** The suffix of the stopped container kept as the fallback across an image change. */
  public static final String FALLBACK_SUFFIX = "-prev";

  /** Snapshots are named after the generation they hold. */
  public static final String SNAPSHOT_PREFIX = "gen-";

  private ContainerPlan() {}

  /**
   * What an assignment asks for. A spec without image takes {@code LXD_DEFAULT_IMAGE}, one without
   * profiles {@code LXD_DEFAULT_PROFILE}.
   *
   * @throws UptimeMeshException INVALID_REQUEST when there is no image to create from, or a name
   *     LXD would refuse
   */
  public static InstanceSpec of(ReplicaAssignment a, AgentLxdSettings settings) {
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
    return new InstanceSpec(a.replicaId(), image, profiles, config, devices);
  }

  /** True when the container holds exactly the planned profiles, own config and devices. */
  public static boolean matches(InstanceSpec plan, InstanceDetails observed) {
    return observed.profiles().equals(plan.profiles())
        && withoutCommandSeq(observed.userConfig()).equals(withoutCommandSeq(plan.config()))
        && observed.devices().equals(plan.devices());
  }

  /** The planned config plus the command sequence number {@code observed} records, if any. */
  public static Map<String, String> keepingCommandSeq(
      Map<String, String> planned, InstanceDetails observed) {
    String seq = observed.config().get(COMMAND_SEQ_KEY);
    if (seq == null) {
      return planned;
    }
    Map<String, String> out = new TreeMap<>(planned);
    out.put(COMMAND_SEQ_KEY, seq);
    return out;
  }

  /** The sequence number of the last command carried out on the container, 0 if none. */
  public static long commandSeqOf(InstanceDetails container) {
    try {
      return Long.parseLong(container.config().getOrDefault(COMMAND_SEQ_KEY, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, String> withoutCommandSeq(Map<String, String> config) {
    if (!config.containsKey(COMMAND_SEQ_KEY)) {
      return config;
    }
    Map<String, String> out = new TreeMap<>(config);
    out.remove(COMMAND_SEQ_KEY);
    return out;
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

  /**
   * The snapshots of ours beyond the {@code keep} newest generations, oldest first; snapshots not
   * named {@code gen-<N>} (someone else's) are never pruned.
   */
  public static List<String> snapshotsToPrune(List<String> snapshots, int keep) {
    List<String> ours =
        snapshots.stream()
            .filter(s -> snapshotGeneration(s).isPresent())
            .sorted(Comparator.comparingLong(s -> snapshotGeneration(s).getAsLong()))
            .toList();
    return ours.subList(0, Math.max(0, ours.size() - keep));
  }

  public static String fallbackName(String replicaId) {
    return replicaId + FALLBACK_SUFFIX;
  }

  private static String hostLiteral(String ip) {
    return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
  }
}
