package io.uptimemesh.core.config;

import java.util.Objects;

/**
 * The cluster-level values from {@code config.yaml}, validated. Read it with {@link
 * ClusterConfigFile#loadOrCreate(java.nio.file.Path)}; {@link ClusterConfigSchema} defines every
 * key, its default and what it allows.
 *
 * @param cluster identity and addressing shared by every node
 * @param managedEtcd the etcd member this server runs itself when {@code ETCD_ENDPOINTS} is empty
 * @param etcdClient deadlines and retries of calls to etcd
 * @param etcdHealth thresholds that grade etcd health
 * @param http the API server of this core node
 * @param pki the cluster certificate authority
 * @param leader leader election, leader-only jobs and node pruning
 * @param events how much of the cluster event log is kept
 * @param snapshots etcd snapshots: schedule and time limit
 */
public record ClusterConfig(
    ClusterSection cluster,
    ManagedEtcdConfig managedEtcd,
    EtcdClientConfig etcdClient,
    EtcdHealthConfig etcdHealth,
    HttpConfig http,
    PkiConfig pki,
    LeaderConfig leader,
    EventsConfig events,
    SnapshotsConfig snapshots) {

  public ClusterConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(managedEtcd, "managedEtcd");
    Objects.requireNonNull(etcdClient, "etcdClient");
    Objects.requireNonNull(etcdHealth, "etcdHealth");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(pki, "pki");
    Objects.requireNonNull(leader, "leader");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(snapshots, "snapshots");
  }

  /**
   * Returns the configuration a new {@code config.yaml} is written with.
   *
   * @return every key at its default
   */
  public static ClusterConfig defaults() {
    return ClusterConfigSchema.toConfig(ClusterConfigSchema.defaultValues());
  }
}
