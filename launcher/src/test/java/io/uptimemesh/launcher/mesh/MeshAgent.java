package io.uptimemesh.launcher.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code uptimemesh agent} of one lab node, run inside the node's namespace through {@code
 * bin/uptimemesh} (so with the agent's own JVM flags) and configured by environment only, as an
 * operator's .env would: the node's interfaces, its underlay endpoints, its data and identity
 * directories, short heartbeat and control-plane check intervals. Extra settings for every agent
 * come from the system property {@code meshlab.agent.env} ({@code KEY=VALUE,KEY=VALUE}), so a run
 * can shorten probe intervals and say so.
 */
final class MeshAgent implements AutoCloseable {
  static final int PRIMARY_PORT = 51820;
  static final int SECONDARY_PORT = 51821;
  private static final ObjectMapper JSON = new ObjectMapper();

  final MeshLab.Node node;
  private final MeshLab lab;
  private final MeshCore core;
  final Map<String, String> env = new HashMap<>();
  private MeshLab.LabProcess process;
  private int starts;

  MeshAgent(MeshLab lab, MeshCore core, MeshLab.Node node) throws IOException {
    this.lab = lab;
    this.core = core;
    this.node = node;
    Path home = lab.dir.resolve(node.id());
    Files.createDirectories(home.resolve("data"));
    env.put("RUNTIME_NODE_ID", node.id());
    env.put("RUNTIME_NODE_NAME", node.id());
    env.put("RUNTIME_API_BASE_URL", MeshCore.apiUrl());
    env.put("RUNTIME_WG_PRIMARY_IFACE", node.wgPrimary());
    env.put("RUNTIME_WG_SECONDARY_IFACE", node.wgSecondary());
    env.put("RUNTIME_WG_PRIMARY_ENDPOINT", node.primaryAddress() + ":" + PRIMARY_PORT);
    env.put("RUNTIME_WG_SECONDARY_ENDPOINT", node.secondaryAddress() + ":" + SECONDARY_PORT);
    env.put("UPTIMEMESH_DATA_DIR", home.resolve("data").toString());
    env.put("RUNTIME_IDENTITY_DIR", core.identityDir(node).toString());
    env.put("UPTIMEMESH_ENV_FILE", home.resolve(".env").toString()); // none: environment only
    env.put("RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "2");
    env.put("RUNTIME_HEARTBEAT_TTL_SECONDS", "10");
    env.put("RUNTIME_CONTROL_PLANE_CHECK_SECONDS", "5");
    // As in production: the agent must start wireguard-go without it (it would stay attached).
    env.put("LOG_LEVEL", "INFO");
    env.putAll(extraEnvironment());
  }

  /** The settings added by {@code -Dmeshlab.agent.env=K=V,K=V}. */
  static Map<String, String> extraEnvironment() {
    Map<String, String> extra = new HashMap<>();
    String spec = System.getProperty("meshlab.agent.env", "");
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        extra.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return extra;
  }

  MeshAgent start() throws IOException {
    starts++;
    process =
        lab.start(
            node.namespace(), "agent-" + node.id() + "-" + starts, env, MeshCore.script("agent"));
    return this;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  String output() {
    return process == null ? "" : process.output();
  }

  /** {@code uptimemesh status --output json} through the agent's status socket; empty on error. */
  Optional<JsonNode> status() {
    MeshLab.Result r = core.cliWithEnv(node.namespace(), env, null, "status", "--output", "json");
    if (!r.ok()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(r.stdout()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether the status says degraded: {@code degraded: true} or a {@code degraded_since} value (the
   * issue asks for "degraded since when").
   */
  static boolean degraded(JsonNode status) {
    JsonNode flag = status.path("degraded");
    if (flag.isBoolean()) {
      return flag.asBoolean();
    }
    JsonNode since = status.path("degraded_since");
    return !since.isMissingNode() && !since.isNull() && !since.asText().isEmpty();
  }

  /**
   * The interface that carries traffic to {@code meshIp} on this node: of the host routes to it,
   * the one with the lowest metric (the agent puts the active path at the primary metric).
   */
  Optional<String> activeInterfaceTo(String meshIp) {
    MeshLab.Result r =
        lab.exec(node.namespace(), "ip", "-o", "-4", "route", "show", "exact", meshIp + "/32");
    String best = null;
    long bestMetric = Long.MAX_VALUE;
    for (String line : r.stdout().split("\n")) {
      List<String> words = List.of(line.trim().split("\\s+"));
      int dev = words.indexOf("dev");
      if (dev < 0 || dev + 1 >= words.size()) {
        continue;
      }
      int m = words.indexOf("metric");
      long metric = m >= 0 && m + 1 < words.size() ? Long.parseLong(words.get(m + 1)) : 0;
      if (metric < bestMetric) {
        bestMetric = metric;
        best = words.get(dev + 1);
      }
    }
    return Optional.ofNullable(best);
  }

  void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(15));
    }
  }

  /**
   * SIGKILL, as a crash or a power loss would end it: no goodbye to the control plane. Its
   * wireguard-go processes keep running (they are daemons of their own), as they would after a
   * crash.
   */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.process.destroyForcibly();
      process.process.waitFor();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
