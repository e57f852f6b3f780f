package io.uptimemesh.core.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a service runs (ADR 0014): the container's image, profiles, config and limits, how many
 * replicas where, the ports it serves and how its health is checked, and how a change is rolled
 * out. Immutable; every change of a service's spec is a new generation.
 *
 * @param image a local LXD image alias
 * @param profiles LXD profiles, in order; empty: LXD's default
 * @param config LXD instance config keys other than {@code limits.*}
 * @param limits CPU and memory limits
 * @param replicas 0..{@value #MAX_REPLICAS}
 * @param nodeSelector where replicas may run
 * @param antiAffinity {@code hard} (at most one replica of the service per node) or {@code soft}
 * @param ports the ports the container serves, exposed on the node's mesh address
 * @param health the health check of each replica, on the port named {@code health.portName}
 * @param rollingUpdate how a new generation replaces the old
 */
public record WorkloadSpec(
    String image,
    List<String> profiles,
    Map<String, String> config,
    Limits limits,
    int replicas,
    NodeSelector nodeSelector,
    String antiAffinity,
    List<PortSpec> ports,
    Health health,
    RollingUpdate rollingUpdate) {
  public static final int MAX_REPLICAS = 100;
  public static final String HARD = "hard";
  public static final String SOFT = "soft";

  private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  // Upper case too: the ADR's own example, environment.X, names an environment variable.
  private static final Pattern CONFIG_KEY = Pattern.compile("[a-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]{0,6}(MiB|GiB|MB|GB)");

  /**
   * @param cpu cores, 1..64, or 0 for no limit
   * @param memory e.g. {@code 256MiB}, or null for no limit
   */
  public record Limits(int cpu, String memory) {}

  /**
   * @param labels every one must match the node's labels
   * @param roles the node's role must be one of them; empty: {@code worker}
   */
  public record NodeSelector(Map<String, String> labels, List<String> roles) {
    public NodeSelector {
      labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
      roles = roles == null || roles.isEmpty() ? List.of("worker") : List.copyOf(roles);
    }

    /** True if a node with these labels and this role may run the service. */
    public boolean matches(Map<String, String> nodeLabels, String nodeRole) {
      if (!roles.contains(nodeRole)) {
        return false;
      }
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * @param name a DNS label: the SRV record's service label and the endpoint id's suffix
   * @param port the port inside the container
   * @param protocol tcp or udp
   */
  public record PortSpec(String name, int port, String protocol) {}

  /**
   * @param portName the port the check connects to
   * @param check how (ADR 0013's checks)
   */
  public record Health(String portName, HealthCheck check) {}

  /**
   * @param maxUnavailable replicas that may be down at once during a rollout
   * @param maxSurge replicas that may be added above {@code replicas} during a rollout or move
   */
  public record RollingUpdate(int maxUnavailable, int maxSurge) {}

  public WorkloadSpec {
    // Null-tolerant: a stored copy read back by Jackson may omit empty lists and maps.
    profiles = profiles == null ? List.of() : List.copyOf(profiles);
    config = config == null ? Map.of() : Map.copyOf(new TreeMap<>(config));
    ports = ports == null ? List.of() : List.copyOf(ports);
  }

  /** True when two replicas of the service may share a node. */
  public boolean mayShareNodes() {
    return SOFT.equals(antiAffinity);
  }

  /** The port a name refers to. */
  public java.util.Optional<PortSpec> port(String name) {
    return ports.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * Reads and checks a spec from the API's JSON ({@code workload} object), naming the first bad
   * field as {@code workload.<field>}.
   */
  public static WorkloadSpec parse(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw invalid("", "must be an object");
    }
    String image = text(json, "image");
    if (image == null || !IMAGE.matcher(image).matches()) {
      throw invalid(
          "image",
          "must be a local LXD image alias (letters, digits, . _ -; no /, as the LXD client requires)");
    }
    List<String> profiles = new ArrayList<>();
    JsonNode p = json.path("profiles");
    if (!p.isMissingNode() && !p.isNull()) {
      if (!p.isArray() || p.size() > 16) {
        throw invalid("profiles", "must be a list of at most 16 profile names");
      }
      for (JsonNode n : p) {
        if (!n.isTextual() || !PROFILE.matcher(n.asText()).matches()) {
          throw invalid("profiles", "holds a name that is not a profile name: " + n);
        }
        profiles.add(n.asText());
      }
    }
    Map<String, String> config = new TreeMap<>();
    JsonNode c = json.path("config");
    if (!c.isMissingNode() && !c.isNull()) {
      if (!c.isObject() || c.size() > 64) {
        throw invalid("config", "must be an object of at most 64 LXD config keys");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!CONFIG_KEY.matcher(e.getKey()).matches()) {
          throw invalid("config", "key '" + e.getKey() + "' is not an LXD config key");
        }
        if (e.getKey().startsWith("limits.")) {
          throw invalid(
              "config", "key '" + e.getKey() + "' is not allowed (limits.* go in workload.limits)");
        }
        if (!e.getValue().isValueNode()
            || e.getValue().isNull()
            || e.getValue().asText().length() > 4096) {
          throw invalid("config." + e.getKey(), "must be text of at most 4096 characters");
        }
        config.put(e.getKey(), e.getValue().asText());
      }
    }
    JsonNode l = json.path("limits");
    int cpu = 0;
    String memory = null;
    if (!l.isMissingNode() && !l.isNull()) {
      if (!l.isObject()) {
        throw invalid("limits", "must be an object with cpu and memory");
      }
      if (l.has("cpu")) {
        if (!wholeNumber(l.get("cpu")) || l.get("cpu").asInt() < 0 || l.get("cpu").asInt() > 64) {
          throw invalid("limits.cpu", "must be 0 (no limit) to 64 cores");
        }
        cpu = l.get("cpu").asInt();
      }
      if (l.hasNonNull("memory")) {
        memory = l.get("memory").asText();
        if (!MEMORY.matcher(memory).matches()) {
          throw invalid("limits.memory", "must look like 256MiB or 2GiB");
        }
      }
    }
    JsonNode r = json.path("replicas");
    int replicas = 1;
    if (!r.isMissingNode()) {
      if (!r.canConvertToInt()
          || !r.isIntegralNumber()
          || r.asInt() < 0
          || r.asInt() > MAX_REPLICAS) {
        throw invalid("replicas", "must be a whole number from 0 to " + MAX_REPLICAS);
      }
      replicas = r.asInt();
    }
    NodeSelector selector = selector(json.path("node_selector"));
    String anti = text(json, "anti_affinity");
    anti = anti == null ? HARD : anti.toLowerCase(Locale.ROOT);
    if (!HARD.equals(anti) && !SOFT.equals(anti)) {
      throw invalid("anti_affinity", "must be hard or soft");
    }
    List<PortSpec> ports = ports(json.path("ports"));
    Health health = health(json.path("health"), ports);
    RollingUpdate rolling = rolling(json.path("rolling_update"));
    return new WorkloadSpec(
        image,
        profiles,
        config,
        new Limits(cpu, memory),
        replicas,
        selector,
        anti,
        ports,
        health,
        rolling);
  }

  private static NodeSelector selector(JsonNode s) {
    if (s.isMissingNode() || s.isNull()) {
      return new NodeSelector(Map.of(), List.of());
    }
    if (!s.isObject()) {
      throw invalid("node_selector", "must be an object with labels and roles");
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode l = s.path("labels");
    if (!l.isMissingNode() && !l.isNull()) {
      if (!l.isObject()) {
        throw invalid("node_selector.labels", "must be an object of label key to value");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!io.uptimemesh.core.identity.LabelRules.isKey(e.getKey())
            || !e.getValue().isTextual()
            || !io.uptimemesh.core.identity.LabelRules.isValue(e.getValue().asText())) {
          throw invalid("node_selector.labels", "holds a label that is not allowed: " + e.getKey());
        }
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    List<String> roles = new ArrayList<>();
    JsonNode r = s.path("roles");
    if (!r.isMissingNode() && !r.isNull()) {
      if (!r.isArray()) {
        throw invalid("node_selector.roles", "must be a list of roles");
      }
      for (JsonNode n : r) {
        String role = n.asText().toLowerCase(Locale.ROOT);
        if (!List.of("worker", "core", "gateway").contains(role)) {
          throw invalid("node_selector.roles", "must hold worker, core or gateway, not " + n);
        }
        roles.add(role);
      }
    }
    return new NodeSelector(labels, roles);
  }

  private static List<PortSpec> ports(JsonNode p) {
    List<PortSpec> out = new ArrayList<>();
    if (p.isMissingNode() || p.isNull()) {
      return out;
    }
    if (!p.isArray() || p.size() > 16) {
      throw invalid("ports", "must be a list of at most 16 ports");
    }
    for (int i = 0; i < p.size(); i++) {
      JsonNode n = p.get(i);
      String at = "ports[" + i + "].";
      if (!n.isObject()) {
        throw invalid("ports[" + i + "]", "must be an object with name, port and protocol");
      }
      String name = text(n, at, "name");
      if (name == null || !DnsNames.isLabel(name)) {
        throw invalid(at + "name", "must be a DNS label (lower-case letters, digits, hyphens)");
      }
      if (out.stream().anyMatch(x -> x.name().equals(name))) {
        throw invalid(at + "name", "'" + name + "' is used twice");
      }
      JsonNode port = n.path("port");
      if (!wholeNumber(port) || port.asInt() < 1 || port.asInt() > 65535) {
        throw invalid(at + "port", "must be between 1 and 65535");
      }
      String protocol = text(n, at, "protocol");
      protocol = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
      if (!"tcp".equals(protocol) && !"udp".equals(protocol)) {
        throw invalid(at + "protocol", "must be tcp or udp");
      }
      out.add(new PortSpec(name, port.asInt(), protocol));
    }
    return out;
  }

  private static Health health(JsonNode h, List<PortSpec> ports) {
    if (h.isMissingNode() || h.isNull()) {
      if (ports.isEmpty()) {
        return null;
      }
      PortSpec first = ports.get(0);
      HealthCheck check =
          "udp".equals(first.protocol())
              ? HealthCheck.validated("none", null, null, null, null, null)
              : HealthCheck.defaultTcp();
      return new Health(first.name(), check);
    }
    if (!h.isObject()) {
      throw invalid("health", "must be an object with port_name and the check's fields");
    }
    if (ports.isEmpty()) {
      throw invalid("health", "needs a port to check: give workload.ports");
    }
    String portName = text(h, "health.", "port_name");
    PortSpec port =
        portName == null
            ? ports.get(0)
            : ports.stream()
                .filter(x -> x.name().equals(portName))
                .findFirst()
                .orElseThrow(() -> invalid("health.port_name", "names no port in workload.ports"));
    String type = text(h, "health.", "type");
    if (type == null && "udp".equals(port.protocol())) {
      // Nothing answers a connect on udp: none is the only check, so it is the default.
      type = HealthCheck.NONE;
    }
    String path = text(h, "health.", "path");
    Long interval = number(h, "interval_ms");
    Long timeout = number(h, "timeout_ms");
    Long failures = number(h, "failure_threshold");
    Long successes = number(h, "success_threshold");
    HealthCheck check;
    try {
      // The thresholds are clamped, not cast, so 2^32+1 cannot wrap into HealthCheck's 1..100.
      check =
          HealthCheck.validated(
              type,
              path,
              interval,
              timeout,
              failures == null ? null : (int) Math.max(-1, Math.min(failures, 1_000)),
              successes == null ? null : (int) Math.max(-1, Math.min(successes, 1_000)));
    } catch (UptimeMeshException e) {
      // HealthCheck names its fields check.*; here they live in workload.health.
      throw UptimeMeshException.invalid(e.getMessage().replace("check.", "workload.health."));
    }
    if ("udp".equals(port.protocol()) && !HealthCheck.NONE.equals(check.type())) {
      throw invalid("health.type", "must be none for the udp port " + port.name());
    }
    return new Health(port.name(), check);
  }

  private static RollingUpdate rolling(JsonNode r) {
    int unavailable = 1;
    int surge = 0;
    if (!r.isMissingNode() && !r.isNull()) {
      if (!r.isObject()) {
        throw invalid("rolling_update", "must be an object with max_unavailable and max_surge");
      }
      if (r.has("max_unavailable")) {
        if (!wholeNumber(r.get("max_unavailable"))
            || r.get("max_unavailable").asInt() < 0
            || r.get("max_unavailable").asInt() > MAX_REPLICAS) {
          throw invalid("rolling_update.max_unavailable", "must be 0 to " + MAX_REPLICAS);
        }
        unavailable = r.get("max_unavailable").asInt();
      }
      if (r.has("max_surge")) {
        if (!wholeNumber(r.get("max_surge"))
            || r.get("max_surge").asInt() < 0
            || r.get("max_surge").asInt() > MAX_REPLICAS) {
          throw invalid("rolling_update.max_surge", "must be 0 to " + MAX_REPLICAS);
        }
        surge = r.get("max_surge").asInt();
      }
    }
    if (unavailable == 0 && surge == 0) {
      throw invalid("rolling_update", "max_unavailable and max_surge cannot both be 0");
    }
    return new RollingUpdate(unavailable, surge);
  }

  private static String text(JsonNode json, String field) {
    return text(json, "", field);
  }

  /** A text field of a nested object; {@code at} is that object's path, e.g. {@code ports[0].}. */
  private static String text(JsonNode json, String at, String field) {
    JsonNode n = json.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw invalid(at + field, "must be text");
    }
    return n.asText();
  }

  /** An integral JSON number in int range: 1.5 or 2^32+80 must not be truncated into range. */
  private static boolean wholeNumber(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  /** A whole number of the health check, null when absent; HealthCheck checks its range. */
  private static Long number(JsonNode h, String field) {
    JsonNode n = h.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw invalid("health." + field, "must be a whole number");
    }
    return n.asLong();
  }

  private static UptimeMeshException invalid(String field, String what) {
    return UptimeMeshException.invalid(
        (field.isEmpty() ? "workload" : "workload." + field) + " " + what);
  }
}
