package io.uptimemesh.core.config;

/** Expected file contents, written out by hand so that tests do not compare code with itself. */
final class ConfigTexts {

  /** config.yaml with every key at its default, as the brief specifies it. */
  static final String DEFAULTS =
      """
      # cluster: identity and addressing shared by every node
      cluster:
        name: uptimemesh
        mesh_cidr: 10.42.0.0/16
      # managed_etcd: the etcd member this server runs itself when ETCD_ENDPOINTS is empty
      managed_etcd:
        member_name: uptimemesh-1
        client_port: 2379
        peer_port: 2380
        auto_compaction_mode: periodic
        auto_compaction_retention: 1h
        quota_backend_bytes: 2147483648
        startup_timeout_seconds: 30
        restart_backoff_initial_ms: 500
        restart_backoff_max_ms: 30000
        crash_budget: 5
        crash_window_seconds: 600
        stop_grace_seconds: 5
      # etcd_client: deadlines and retries of every call this server makes to etcd
      etcd_client:
        request_timeout_ms: 2000
        retry_attempts: 3
        retry_backoff_ms: 100
      # etcd_health: how the health monitor grades etcd as ok / degraded / stale / down
      etcd_health:
        probe_interval_ms: 500
        degraded_latency_ms: 500
        stale_after_ms: 1500
        down_after_ms: 10000
      # http: the API server of this core node
      http:
        body_limit_bytes: 1048576
        shutdown_grace_seconds: 5
      # pki: the cluster certificate authority
      pki:
        ca_validity_days: 3650
      # leader: leader election among core nodes, leader-only jobs and node pruning
      leader:
        election_ttl_seconds: 5
        stale_sweep_interval_seconds: 15
        prune_after_hours: 168
      # events: the cluster event log, pruned by the leader
      events:
        max_age_hours: 168
        max_count: 10000
        prune_interval_seconds: 60
      # snapshots: etcd snapshots (files in ETCD_SNAPSHOT_DIR, ETCD_SNAPSHOT_RETENTION kept)
      snapshots:
        schedule_interval_minutes: 60
        timeout_seconds: 600
      """;

  private ConfigTexts() {}
}
