package io.uptimemesh.core.config;

/**
 * Every variable {@link RuntimeSettings} (the server) and {@link AgentSettings} (the node agent)
 * read, in the order {@code .env.example} documents them, with the default as written in {@code
 * .env} and a one-line description.
 */
enum RuntimeKey {
  APP_ENV(
      "dev", "Deployment environment: dev, test or prod (prod refuses default or weak secrets)."),
  LOG_LEVEL("INFO", "Log level: TRACE, DEBUG, INFO, WARN or ERROR."),
  UPTIMEMESH_DATA_DIR(
      "./data",
      "Directory for this server's local data: the managed etcd member, logs and snapshots."),
  LOG_FILE("./data/logs/app.log", "Log file; by default logs/app.log under UPTIMEMESH_DATA_DIR."),
  METRICS_ENABLED("true", "Expose Prometheus metrics: true or false."),
  AUTH_SECRET_KEY(
      Secret.DEVELOPMENT_DEFAULT,
      "Secret that signs API authentication tokens; prod needs 32+ random characters (openssl rand -base64 48)."),
  CLUSTER_SIGNING_KEY(
      Secret.DEVELOPMENT_DEFAULT,
      "Secret that signs cluster data shared between nodes; prod needs 32+ random characters, unlike AUTH_SECRET_KEY."),
  ETCD_ENABLED("true", "Keep cluster state in etcd: true or false."),
  ETCD_ENDPOINTS(
      "",
      "Comma-separated etcd client URLs such as http://10.0.0.1:2379; empty runs a managed etcd member (see config.yaml)."),
  ETCD_PREFIX("/uptimemesh", "Key prefix under which all UptimeMesh data is stored in etcd."),
  ETCD_SNAPSHOT_DIR(
      "./data/snapshots",
      "Directory for etcd snapshots; by default snapshots under UPTIMEMESH_DATA_DIR."),
  ETCD_SNAPSHOT_RETENTION("7", "How many etcd snapshots to keep: 1..1000."),
  ETCD_COMMAND("etcd", "The etcd binary launched for the managed etcd member."),
  UPTIMEMESH_HTTP_HOST(
      "0.0.0.0", "Address the HTTP API listens on: an IPv4 or IPv6 address, or a host name."),
  UPTIMEMESH_HTTP_PORT("8010", "Port the HTTP API listens on: 0..65535 (0 picks a free port)."),
  UPTIMEMESH_CONFIG(
      "config.yaml", "Path of the cluster config file; it is created with defaults when missing."),
  NODE_CERT_VALIDITY_DAYS(
      "30", "Validity of node certificates signed at join or renewal: 1..3650 days."),
  HEARTBEAT_SIGNATURE_MAX_SKEW_SECONDS(
      "30",
      "Largest clock difference accepted between a heartbeat's send time and now: 1..3600 s."),
  RUNTIME_HEARTBEAT_INTERVAL_SECONDS(
      "10", "How often agents send a signed heartbeat: 1..3600 s, below the TTL."),
  RUNTIME_HEARTBEAT_TTL_SECONDS(
      "30",
      "A node without an accepted heartbeat for this long is stale (its etcd lease TTL): 5..3600 s."),
  UPTIMEMESH_ADVERTISE_HOST(
      "127.0.0.1",
      "Address other core nodes and agents reach this core node at: its managed etcd listens"
          + " there and the API is announced as http://<it>:<UPTIMEMESH_HTTP_PORT>."),
  // The node agent's settings (uptimemesh agent); the server ignores them.
  RUNTIME_NODE_ID("", "Agent: the id this node joined with (uptimemesh join --node-id)."),
  RUNTIME_NODE_NAME("", "Agent: a human name for this node; empty uses the node id."),
  RUNTIME_NODE_ROLE("worker", "Agent: this node's role: worker, core or gateway."),
  RUNTIME_API_BASE_URL(
      "http://127.0.0.1:8010",
      "Agent: core API URL, or a comma-separated list; more are learned from /api/v1/cluster/apis."),
  RUNTIME_IDENTITY_DIR(
      "./data/identities", "Agent: where join wrote identities; by default under the data dir."),
  RUNTIME_CONTROL_PLANE_CHECK_SECONDS(
      "60", "Agent: how often the control-plane health check runs: 5..3600 s."),
  RUNTIME_WG_PRIMARY_IFACE("umesh0", "Agent: WireGuard interface of the primary path."),
  RUNTIME_WG_SECONDARY_IFACE("umesh1", "Agent: WireGuard interface of the secondary path."),
  RUNTIME_WG_PRIMARY_ENDPOINT(
      "",
      "Agent: this node's underlay host:port for the primary path; empty uses the address of the default route's interface and port 51820."),
  RUNTIME_WG_SECONDARY_ENDPOINT(
      "", "Agent: this node's underlay host:port for the secondary path; empty: no secondary."),
  RUNTIME_ROUTE_PRIMARY_METRIC("100", "Agent: route metric of the active path: 1..4294967295."),
  RUNTIME_ROUTE_SECONDARY_METRIC(
      "200", "Agent: route metric of the standby path, above the primary metric."),
  RUNTIME_FAILOVER_THRESHOLD(
      "3", "Agent: consecutive failed probes on the active path before switching: 1..100."),
  RUNTIME_FAILBACK_STABLE_COUNT(
      "5", "Agent: consecutive good probes on the primary before failing back: 1..1000."),
  RUNTIME_FAILBACK_ENABLE(
      "true", "Agent: fail back to the primary path once stable: true or false."),
  RUNTIME_FAILOVER_HOLD_DOWN_SECONDS(
      "10", "Agent: no further path switch for this long after one: 0..3600 s."),
  RUNTIME_PROBE_INTERVAL_MS(
      "500", "Agent: how often each path to each peer is probed: 100..60000 ms."),
  RUNTIME_PROBE_TIMEOUT_MS(
      "500", "Agent: a probe without an echo after this long failed: 50..60000 ms."),
  RUNTIME_PROBE_PORT("51899", "Agent: UDP port of the path probe echo on every node: 1..65535."),
  RUNTIME_STATUS_SOCKET(
      "./data/agent.sock",
      "Agent: unix socket of the local status endpoint (uptimemesh status); by default under the data dir."),
  RUNTIME_METRICS_PORT(
      "0", "Agent: Prometheus metrics on 127.0.0.1 at this port: 1..65535; 0 turns it off."),
  RUNTIME_RESYNC_SECONDS(
      "600", "Agent: full desired-state fetch as a safety net this often: 30..86400 s."),
  // Service discovery, read by the server (zone preview, Corefile) and the agents that render.
  RUNTIME_DISCOVERY_DOMAIN(
      "mesh.local",
      "Discovery: the DNS domain of the zone (<node>.node.<domain>, <service>.svc.<domain>)."),
  RUNTIME_DISCOVERY_TTL_SECONDS(
      "10", "Discovery: TTL of the zone's records and its negative-caching time: 1..86400 s."),
  RUNTIME_DISCOVERY_NAMESERVERS(
      "",
      "Discovery: comma-separated IP addresses of the zone's name servers; empty: each agent names itself (its mesh address), the server's zone preview the first alive node."),
  RUNTIME_DISCOVERY_PORT("53", "Discovery: the port CoreDNS serves the zone on: 1..65535."),
  RUNTIME_DISCOVERY_UPSTREAMS(
      "",
      "Discovery: comma-separated resolvers (IP or IP:port) CoreDNS forwards other names to; empty: no forwarding."),
  // The agent's side of service discovery (ADR 0013).
  RUNTIME_DISCOVERY_ENABLE(
      "false",
      "Agent: serve DNS: render the discovery zone and Corefile and run the reload command: true or false."),
  RUNTIME_DISCOVERY_ZONE_PATH(
      "./data/discovery/mesh.zone",
      "Agent: the zone file the agent writes; by default under the data dir."),
  RUNTIME_DISCOVERY_COREFILE_PATH(
      "", "Agent: the Corefile the agent writes; empty: Corefile beside the zone."),
  RUNTIME_DISCOVERY_RELOAD_COMMAND(
      "", "Agent: run with /bin/sh -c after the zone changed (10 s timeout); empty: none."),
  RUNTIME_DISCOVERY_LISTEN(
      "", "Agent: IP address CoreDNS binds (Corefile); empty: the node's mesh address."),
  // Workloads (ADR 0014), read by the server.
  WORKLOAD_GENERATIONS_KEPT(
      "10",
      "Workloads: how many generations of a service's spec are kept for rollback, the current one included: 2..1000."),
  // The agent's LXD workloads (ADR 0014).
  LXD_ENABLED(
      "false",
      "Agent: run this node's LXD workload replicas (follow its workloads stream, report replica statuses): true or false."),
  LXD_SOCKET("/var/lib/lxd/unix.socket", "Agent: the LXD daemon's unix socket."),
  LXD_PROJECT(
      "uptimemesh",
      "Agent: the LXD project the replicas run in; every other container in it is deleted."),
  LXD_DEFAULT_IMAGE(
      "", "Agent: image alias for a workload spec without one; empty: such a spec fails."),
  LXD_DEFAULT_PROFILE(
      "default", "Agent: the LXD profile of a workload spec that names no profiles."),
  LXD_HEALTH_TIMEOUT_SECONDS(
      "60",
      "Agent and server: how long a started replica may take to run, and a rollout step to run healthy: 1..3600 s."),
  LXD_HEALTH_POLL_SECONDS(
      "2", "Agent: how often a starting replica is checked: 1..300 s, below the timeout."),
  // The scheduler leader job (ADR 0014), read by the server.
  SCHEDULER_INTERVAL_SECONDS(
      "2", "Workloads: seconds between two scheduler runs when nothing changes: 1..3600."),
  SCHEDULER_RESCHEDULE_GRACE_SECONDS(
      "60",
      "Workloads: seconds a node may be stale before its replicas are replaced elsewhere: 0..86400."),
  // The leader's rollout job (ADR 0014), read by the server.
  ROLLOUT_INTERVAL_SECONDS(
      "1",
      "Workloads: how often the leader advances rollouts (also at once on changes): 1..3600 s.");

  private final String defaultText;
  private final String description;

  RuntimeKey(String defaultText, String description) {
    this.defaultText = defaultText;
    this.description = description;
  }

  SettingDoc doc() {
    return new SettingDoc(name(), defaultText, description);
  }
}
