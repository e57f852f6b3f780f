package io.uptimemesh.core.config;

import static io.uptimemesh.core.config.KeySpec.integer;
import static io.uptimemesh.core.config.KeySpec.text;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every key of {@code config.yaml} in one place: section, name, default, what is allowed, and where
 * the value goes in {@link ClusterConfig}. To add a key, add a line to {@link #SECTIONS}, a
 * component to the section's record, and the read in {@link #toConfig(ConfigValues)}.
 *
 * <p>The order here is the order keys are written in. Keys ending in {@code _ms} or {@code
 * _seconds} become {@link java.time.Duration}s.
 */
final class ClusterConfigSchema {

  private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");
  private static final Pattern GO_DURATION =
      Pattern.compile("([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+");
  private static final Pattern POSITIVE_INTEGER = Pattern.compile("[1-9][0-9]{0,18}");
  private static final Pattern NON_ZERO_DIGIT = Pattern.compile(".*[1-9].*");

  static final List<SectionSpec> SECTIONS =
      List.of(
          SectionSpec.of(
              "cluster",
              "identity and addressing shared by every node",
              text(
                  "name",
                  "uptimemesh",
                  "expected 1..63 characters of a-z 0-9 - starting with a letter",
                  matches(CLUSTER_NAME),
                  c -> c.cluster().name()),
              text(
                  "mesh_cidr",
                  "10.42.0.0/16",
                  "expected an IPv4 network like 10.42.0.0/16 with prefix length 8..30",
                  value -> NetSyntax.cidrProblem(value, 8, 30),
                  c -> c.cluster().meshCidr())),
          SectionSpec.of(
              "managed_etcd",
              "the etcd member this server runs itself when ETCD_ENDPOINTS is empty",
              text(
                  "member_name",
                  "uptimemesh-1",
                  "expected 1..63 characters of A-Z a-z 0-9 . _ -",
                  matches(MEMBER_NAME),
                  c -> c.managedEtcd().memberName()),
              integer("client_port", 2379, 1, 65535, c -> c.managedEtcd().clientPort()),
              integer("peer_port", 2380, 1, 65535, c -> c.managedEtcd().peerPort()),
              text(
                  "auto_compaction_mode",
                  "periodic",
                  "expected periodic or revision",
                  value -> value.equals("periodic") || value.equals("revision") ? null : "",
                  c -> c.managedEtcd().autoCompactionMode()),
              // The mode decides the format; the cross rule below checks it.
              text(
                  "auto_compaction_retention",
                  "1h",
                  "expected a Go duration like 1h (periodic mode) or a revision count (revision mode)",
                  value -> value.isBlank() ? "" : null,
                  c -> c.managedEtcd().autoCompactionRetention()),
              integer(
                  "quota_backend_bytes",
                  2147483648L,
                  16777216L,
                  8589934592L,
                  c -> c.managedEtcd().quotaBackendBytes()),
              integer(
                  "startup_timeout_seconds",
                  30,
                  1,
                  600,
                  c -> c.managedEtcd().startupTimeout().toSeconds()),
              integer(
                  "restart_backoff_initial_ms",
                  500,
                  50,
                  60000,
                  c -> c.managedEtcd().restartBackoffInitial().toMillis()),
              // At least restart_backoff_initial_ms: a cross rule, since 50 is only the floor.
              integer(
                  "restart_backoff_max_ms",
                  30000,
                  50,
                  600000,
                  c -> c.managedEtcd().restartBackoffMax().toMillis()),
              integer("crash_budget", 5, 1, 100, c -> c.managedEtcd().crashBudget()),
              integer(
                  "crash_window_seconds",
                  600,
                  10,
                  86400,
                  c -> c.managedEtcd().crashWindow().toSeconds()),
              integer(
                  "stop_grace_seconds", 5, 1, 60, c -> c.managedEtcd().stopGrace().toSeconds())),
          SectionSpec.of(
              "etcd_client",
              "deadlines and retries of every call this server makes to etcd",
              integer(
                  "request_timeout_ms",
                  2000,
                  100,
                  60000,
                  c -> c.etcdClient().requestTimeout().toMillis()),
              integer("retry_attempts", 3, 0, 10, c -> c.etcdClient().retryAttempts()),
              integer(
                  "retry_backoff_ms",
                  100,
                  10,
                  10000,
                  c -> c.etcdClient().retryBackoff().toMillis())),
          SectionSpec.of(
              "etcd_health",
              "how the health monitor grades etcd as ok / degraded / stale / down",
              integer(
                  "probe_interval_ms",
                  500,
                  100,
                  60000,
                  c -> c.etcdHealth().probeInterval().toMillis()),
              integer(
                  "degraded_latency_ms",
                  500,
                  1,
                  60000,
                  c -> c.etcdHealth().degradedLatency().toMillis()),
              // The static bounds are wide; the cross rules order these after probe_interval_ms.
              integer(
                  "stale_after_ms",
                  1500,
                  1,
                  Integer.MAX_VALUE,
                  c -> c.etcdHealth().staleAfter().toMillis()),
              integer(
                  "down_after_ms",
                  10000,
                  1,
                  Integer.MAX_VALUE,
                  c -> c.etcdHealth().downAfter().toMillis())),
          SectionSpec.of(
              "http",
              "the API server of this core node",
              integer("body_limit_bytes", 1048576, 1024, 104857600, c -> c.http().bodyLimitBytes()),
              integer(
                  "shutdown_grace_seconds", 5, 0, 60, c -> c.http().shutdownGrace().toSeconds())),
          SectionSpec.of(
              "pki",
              "the cluster certificate authority",
              integer("ca_validity_days", 3650, 1, 36500, c -> c.pki().caValidity().toDays())),
          SectionSpec.of(
              "leader",
              "leader election among core nodes, leader-only jobs and node pruning",
              integer("election_ttl_seconds", 5, 2, 60, c -> c.leader().electionTtl().toSeconds()),
              integer(
                  "stale_sweep_interval_seconds",
                  15,
                  1,
                  3600,
                  c -> c.leader().staleSweepInterval().toSeconds()),
              integer("prune_after_hours", 168, 1, 87600, c -> c.leader().pruneAfter().toHours())),
          SectionSpec.of(
              "events",
              "the cluster event log, pruned by the leader",
              integer("max_age_hours", 168, 1, 87600, c -> c.events().maxAge().toHours()),
              integer("max_count", 10000, 100, 1000000, c -> c.events().maxCount()),
              integer(
                  "prune_interval_seconds",
                  60,
                  5,
                  86400,
                  c -> c.events().pruneInterval().toSeconds())),
          SectionSpec.of(
              "snapshots",
              "etcd snapshots (files in ETCD_SNAPSHOT_DIR, ETCD_SNAPSHOT_RETENTION kept)",
              integer(
                  "schedule_interval_minutes",
                  60,
                  0,
                  10080,
                  c -> c.snapshots().scheduleInterval().toMinutes()),
              integer(
                  "timeout_seconds", 600, 10, 86400, c -> c.snapshots().timeout().toSeconds())));

  static final List<CrossRule> CROSS_RULES =
      List.of(
          CrossRule.differs("managed_etcd.peer_port", "managed_etcd.client_port"),
          new CrossRule(
              "managed_etcd.auto_compaction_retention",
              "managed_etcd.auto_compaction_mode",
              (retention, mode) -> retentionProblem((String) retention, (String) mode)),
          CrossRule.atLeast(
              "managed_etcd.restart_backoff_max_ms", "managed_etcd.restart_backoff_initial_ms"),
          CrossRule.greaterThan("etcd_health.stale_after_ms", "etcd_health.probe_interval_ms"),
          CrossRule.greaterThan("etcd_health.down_after_ms", "etcd_health.stale_after_ms"));

  private ClusterConfigSchema() {}

  /**
   * Builds the typed config from validated values.
   *
   * @param v a value for every key in {@link #SECTIONS}
   * @return the config
   * @throws IllegalArgumentException if a key is missing or has the wrong type
   */
  static ClusterConfig toConfig(ConfigValues v) {
    return new ClusterConfig(
        new ClusterSection(v.string("cluster.name"), v.string("cluster.mesh_cidr")),
        new ManagedEtcdConfig(
            v.string("managed_etcd.member_name"),
            v.intValue("managed_etcd.client_port"),
            v.intValue("managed_etcd.peer_port"),
            v.string("managed_etcd.auto_compaction_mode"),
            v.string("managed_etcd.auto_compaction_retention"),
            v.integer("managed_etcd.quota_backend_bytes"),
            v.seconds("managed_etcd.startup_timeout_seconds"),
            v.millis("managed_etcd.restart_backoff_initial_ms"),
            v.millis("managed_etcd.restart_backoff_max_ms"),
            v.intValue("managed_etcd.crash_budget"),
            v.seconds("managed_etcd.crash_window_seconds"),
            v.seconds("managed_etcd.stop_grace_seconds")),
        new EtcdClientConfig(
            v.millis("etcd_client.request_timeout_ms"),
            v.intValue("etcd_client.retry_attempts"),
            v.millis("etcd_client.retry_backoff_ms")),
        new EtcdHealthConfig(
            v.millis("etcd_health.probe_interval_ms"),
            v.millis("etcd_health.degraded_latency_ms"),
            v.millis("etcd_health.stale_after_ms"),
            v.millis("etcd_health.down_after_ms")),
        new HttpConfig(
            v.integer("http.body_limit_bytes"), v.seconds("http.shutdown_grace_seconds")),
        new PkiConfig(java.time.Duration.ofDays(v.integer("pki.ca_validity_days"))),
        new LeaderConfig(
            v.seconds("leader.election_ttl_seconds"),
            v.seconds("leader.stale_sweep_interval_seconds"),
            java.time.Duration.ofHours(v.integer("leader.prune_after_hours"))),
        new EventsConfig(
            java.time.Duration.ofHours(v.integer("events.max_age_hours")),
            v.intValue("events.max_count"),
            v.seconds("events.prune_interval_seconds")),
        new SnapshotsConfig(
            java.time.Duration.ofMinutes(v.integer("snapshots.schedule_interval_minutes")),
            v.seconds("snapshots.timeout_seconds")));
  }

  /**
   * Returns every key at its default.
   *
   * @return the values, in schema order
   */
  static ConfigValues defaultValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    for (SectionSpec section : SECTIONS) {
      for (KeySpec key : section.keys()) {
        values.put(dotted(section, key), key.defaultValue());
      }
    }
    return new ConfigValues(values);
  }

  /**
   * Reads every key's value out of a typed config.
   *
   * @param config the config
   * @return the values, in schema order, not yet validated
   */
  static ConfigValues fromConfig(ClusterConfig config) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (SectionSpec section : SECTIONS) {
      for (KeySpec key : section.keys()) {
        values.put(dotted(section, key), key.valueIn(config));
      }
    }
    return new ConfigValues(values);
  }

  static String dotted(SectionSpec section, KeySpec key) {
    return section.name() + "." + key.name();
  }

  private static KeySpec.TextCheck matches(Pattern pattern) {
    return value -> pattern.matcher(value).matches() ? null : "";
  }

  private static String retentionProblem(String retention, String mode) {
    if (mode.equals("revision")) {
      return POSITIVE_INTEGER.matcher(retention).matches()
          ? null
          : "expected a positive integer (revisions to keep),"
              + " because managed_etcd.auto_compaction_mode is revision";
    }
    return GO_DURATION.matcher(retention).matches() && NON_ZERO_DIGIT.matcher(retention).matches()
        ? null
        : "expected a positive Go duration like 30m, 1h or 2h30m,"
            + " because managed_etcd.auto_compaction_mode is periodic";
  }
}
