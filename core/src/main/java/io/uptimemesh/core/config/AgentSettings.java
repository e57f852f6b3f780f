package io.uptimemesh.core.config;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeIds;
import io.uptimemesh.core.token.NodeRole;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The node agent's settings ({@code uptimemesh agent}), from {@code .env} and the environment like
 * the server's, with the original variable names; every key is documented in {@code .env.example}.
 * Loading reports every bad value at once, each naming its source, key and what is allowed.
 */
public final class AgentSettings {
  /** A host (IPv4, IPv6 without brackets, or a name) and a port. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Linux interface names: at most 15 bytes, no '/' or white space. */
  private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_=+.-]{1,15}");

  private static final long MAX_METRIC = 4294967295L;

  private final String nodeId;
  private final String nodeName;
  private final NodeRole role;
  private final List<URI> apiUrls;
  private final Path dataDir;
  private final Path identityDir;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTtl;
  private final Duration controlPlaneCheck;
  private final String primaryIface;
  private final String secondaryIface;
  private final Optional<HostPort> primaryEndpoint;
  private final Optional<HostPort> secondaryEndpoint;
  private final long primaryMetric;
  private final long secondaryMetric;
  private final int failoverThreshold;
  private final int failbackStableCount;
  private final boolean failbackEnabled;
  private final Duration holdDown;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final int probePort;
  private final Path statusSocket;
  private final int metricsPort;
  private final Duration resync;
  private final AgentDiscoverySettings discovery;
  private final AgentLxdSettings lxd;

  private AgentSettings(SettingsReader in, Map<String, String> environment, Path dotEnvFile) {
    String id = in.text(RuntimeKey.RUNTIME_NODE_ID);
    if (id == null) {
      in.problems()
          .add(
              ConfigException.notAllowed(
                  in.source(RuntimeKey.RUNTIME_NODE_ID),
                  RuntimeKey.RUNTIME_NODE_ID.name(),
                  "",
                  "required: the node id this node joined with (uptimemesh join --node-id)"));
    }
    nodeId =
        id == null
            ? ""
            : in.parse(
                RuntimeKey.RUNTIME_NODE_ID,
                "",
                AgentSettings::nodeId,
                "expected a DNS label: a-z 0-9 -, at most 63, starting with a letter or digit");
    String name = in.text(RuntimeKey.RUNTIME_NODE_NAME);
    nodeName = name == null ? nodeId : name;
    role =
        in.parse(
            RuntimeKey.RUNTIME_NODE_ROLE,
            NodeRole.WORKER,
            AgentSettings::role,
            "expected worker, core or gateway");
    apiUrls =
        in.parse(
            RuntimeKey.RUNTIME_API_BASE_URL,
            List.of(URI.create("http://127.0.0.1:8010")),
            AgentSettings::urls,
            "expected http(s) URLs with a host, comma-separated, like http://10.0.0.1:8010");
    dataDir = in.path(RuntimeKey.UPTIMEMESH_DATA_DIR, Path.of("./data"));
    identityDir = in.path(RuntimeKey.RUNTIME_IDENTITY_DIR, dataDir.resolve("identities"));
    int interval = in.integer(RuntimeKey.RUNTIME_HEARTBEAT_INTERVAL_SECONDS, 10, 1, 3600);
    int ttl = in.integer(RuntimeKey.RUNTIME_HEARTBEAT_TTL_SECONDS, 30, 5, 3600);
    if (interval >= ttl) {
      in.problems()
          .add(
              ConfigException.notAllowed(
                  in.source(RuntimeKey.RUNTIME_HEARTBEAT_INTERVAL_SECONDS),
                  RuntimeKey.RUNTIME_HEARTBEAT_INTERVAL_SECONDS.name(),
                  Integer.toString(interval),
                  "expected less than RUNTIME_HEARTBEAT_TTL_SECONDS (" + ttl + ")"));
    }
    heartbeatInterval = Duration.ofSeconds(interval);
    heartbeatTtl = Duration.ofSeconds(ttl);
    controlPlaneCheck =
        Duration.ofSeconds(in.integer(RuntimeKey.RUNTIME_CONTROL_PLANE_CHECK_SECONDS, 60, 5, 3600));
    primaryIface = iface(in, RuntimeKey.RUNTIME_WG_PRIMARY_IFACE, "umesh0");
    secondaryIface = iface(in, RuntimeKey.RUNTIME_WG_SECONDARY_IFACE, "umesh1");
    if (primaryIface.equals(secondaryIface)) {
      in.problems()
          .add(
              ConfigException.notAllowed(
                  in.source(RuntimeKey.RUNTIME_WG_SECONDARY_IFACE),
                  RuntimeKey.RUNTIME_WG_SECONDARY_IFACE.name(),
                  secondaryIface,
                  "expected another interface than RUNTIME_WG_PRIMARY_IFACE"));
    }
    primaryEndpoint = endpoint(in, RuntimeKey.RUNTIME_WG_PRIMARY_ENDPOINT);
    secondaryEndpoint = endpoint(in, RuntimeKey.RUNTIME_WG_SECONDARY_ENDPOINT);
    primaryMetric = metric(in, RuntimeKey.RUNTIME_ROUTE_PRIMARY_METRIC, 100);
    secondaryMetric = metric(in, RuntimeKey.RUNTIME_ROUTE_SECONDARY_METRIC, 200);
    if (secondaryMetric <= primaryMetric) {
      in.problems()
          .add(
              ConfigException.notAllowed(
                  in.source(RuntimeKey.RUNTIME_ROUTE_SECONDARY_METRIC),
                  RuntimeKey.RUNTIME_ROUTE_SECONDARY_METRIC.name(),
                  Long.toString(secondaryMetric),
                  "expected more than RUNTIME_ROUTE_PRIMARY_METRIC (" + primaryMetric + ")"));
    }
    failoverThreshold = in.integer(RuntimeKey.RUNTIME_FAILOVER_THRESHOLD, 3, 1, 100);
    failbackStableCount = in.integer(RuntimeKey.RUNTIME_FAILBACK_STABLE_COUNT, 5, 1, 1000);
    failbackEnabled = in.bool(RuntimeKey.RUNTIME_FAILBACK_ENABLE, true);
    holdDown =
        Duration.ofSeconds(in.integer(RuntimeKey.RUNTIME_FAILOVER_HOLD_DOWN_SECONDS, 10, 0, 3600));
    probeInterval =
        Duration.ofMillis(in.integer(RuntimeKey.RUNTIME_PROBE_INTERVAL_MS, 500, 100, 60_000));
    probeTimeout =
        Duration.ofMillis(in.integer(RuntimeKey.RUNTIME_PROBE_TIMEOUT_MS, 500, 50, 60_000));
    probePort = in.integer(RuntimeKey.RUNTIME_PROBE_PORT, 51899, 1, 65535);
    statusSocket = in.path(RuntimeKey.RUNTIME_STATUS_SOCKET, dataDir.resolve("agent.sock"));
    metricsPort = in.integer(RuntimeKey.RUNTIME_METRICS_PORT, 0, 0, 65535);
    resync = Duration.ofSeconds(in.integer(RuntimeKey.RUNTIME_RESYNC_SECONDS, 600, 30, 86_400));
    discovery = AgentDiscoverySettings.read(in, dataDir);
    lxd = AgentLxdSettings.read(in);
  }

  /**
   * Reads the agent's settings from the environment and a {@code .env} file; the environment wins.
   *
   * @param dotEnvFile the file, or null to read none; a missing file is not an error
   * @throws ConfigException naming every bad key (source, key, value, what is allowed)
   */
  public static AgentSettings load(Map<String, String> environment, Path dotEnvFile) {
    SettingsReader in = SettingsReader.open(environment, dotEnvFile);
    AgentSettings settings = new AgentSettings(in, environment, dotEnvFile);
    in.throwIfProblems();
    return settings;
  }

  private static Optional<String> nodeId(String text) {
    try {
      return Optional.of(NodeIds.validate(text));
    } catch (UptimeMeshException e) {
      return Optional.empty();
    }
  }

  private static Optional<NodeRole> role(String text) {
    try {
      return Optional.of(NodeRole.parse(text));
    } catch (UptimeMeshException e) {
      return Optional.empty();
    }
  }

  private static Optional<List<URI>> urls(String text) {
    List<URI> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String s = part.strip();
      try {
        URI uri = new URI(s);
        if (uri.getHost() == null
            || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
          return Optional.empty();
        }
        out.add(uri);
      } catch (java.net.URISyntaxException e) {
        return Optional.empty();
      }
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(out));
  }

  private static String iface(SettingsReader in, RuntimeKey key, String fallback) {
    return in.parse(
        key,
        fallback,
        t -> IFACE.matcher(t).matches() ? Optional.of(t) : Optional.empty(),
        "expected an interface name: 1..15 of A-Z a-z 0-9 _ = + . -");
  }

  private static Optional<HostPort> endpoint(SettingsReader in, RuntimeKey key) {
    return in.parse(
        key,
        Optional.empty(),
        t -> hostPort(t).map(Optional::of),
        "expected host:port, like 203.0.113.7:51820 or [2001:db8::7]:51820");
  }

  /** Parses {@code host:port} ({@code [v6]:port} for IPv6). */
  static Optional<HostPort> hostPort(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf("]:");
      if (close < 0) {
        return Optional.empty();
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (!NetSyntax.isHost(host) || !host.contains(":")) {
        return Optional.empty();
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        return Optional.empty();
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (!NetSyntax.isHost(host)) {
        return Optional.empty();
      }
    }
    try {
      int p = Integer.parseInt(port);
      return p >= 1 && p <= 65535 ? Optional.of(new HostPort(host, p)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static long metric(SettingsReader in, RuntimeKey key, long fallback) {
    return in.parse(
        key,
        fallback,
        t -> {
          try {
            long v = Long.parseLong(t);
            return v >= 1 && v <= MAX_METRIC ? Optional.of(v) : Optional.empty();
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        },
        "expected an integer 1.." + MAX_METRIC);
  }

  public String nodeId() {
    return nodeId;
  }

  public String nodeName() {
    return nodeName;
  }

  public NodeRole role() {
    return role;
  }

  /** The core API URLs to start with, in the order given. */
  public List<URI> apiUrls() {
    return apiUrls;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path identityDir() {
    return identityDir;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration heartbeatTtl() {
    return heartbeatTtl;
  }

  public Duration controlPlaneCheck() {
    return controlPlaneCheck;
  }

  public String primaryIface() {
    return primaryIface;
  }

  public String secondaryIface() {
    return secondaryIface;
  }

  /** Empty: the agent uses the address of the default route's interface. */
  public Optional<HostPort> primaryEndpoint() {
    return primaryEndpoint;
  }

  /** Empty: this node offers no secondary path. */
  public Optional<HostPort> secondaryEndpoint() {
    return secondaryEndpoint;
  }

  public long primaryMetric() {
    return primaryMetric;
  }

  public long secondaryMetric() {
    return secondaryMetric;
  }

  public int failoverThreshold() {
    return failoverThreshold;
  }

  public int failbackStableCount() {
    return failbackStableCount;
  }

  public boolean failbackEnabled() {
    return failbackEnabled;
  }

  public Duration holdDown() {
    return holdDown;
  }

  /** How often each path to each peer is probed. */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** How long a probe waits for its echo. */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** The UDP port of the probe echo, the same on every node. */
  public int probePort() {
    return probePort;
  }

  /** The unix socket of the local status endpoint. */
  public Path statusSocket() {
    return statusSocket;
  }

  /** The loopback port of the Prometheus endpoint, 0 for none. */
  public int metricsPort() {
    return metricsPort;
  }

  /** How often the agent fetches the whole desired state, whatever the stream said. */
  public Duration resync() {
    return resync;
  }

  /** Service discovery: endpoint probes and, when enabled, the zone this node serves. */
  public AgentDiscoverySettings discovery() {
    return discovery;
  }

  /** LXD workloads: whether this node runs replicas, and how. */
  public AgentLxdSettings lxd() {
    return lxd;
  }

  @Override
  public String toString() {
    return "AgentSettings[nodeId="
        + nodeId
        + ", role="
        + role.wireName()
        + ", apiUrls="
        + apiUrls
        + ", ifaces="
        + primaryIface
        + "/"
        + secondaryIface
        + ", metrics="
        + primaryMetric
        + "/"
        + secondaryMetric
        + "]";
  }
}
