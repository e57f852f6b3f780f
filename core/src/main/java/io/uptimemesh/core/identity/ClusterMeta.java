package io.uptimemesh.core.identity;

/**
 * The cluster's identity, written once by bootstrap. Its presence is what "bootstrapped" means.
 *
 * @param clusterId random id of this cluster
 * @param createdAtMs when bootstrap ran (epoch milliseconds)
 */
public record ClusterMeta(String clusterId, long createdAtMs) {}
