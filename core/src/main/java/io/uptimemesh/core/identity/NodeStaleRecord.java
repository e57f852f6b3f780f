package io.uptimemesh.core.identity;

/**
 * Since when a node is stale (not revoked, but its liveness lease is gone). Written by the leader's
 * stale-node sweep when it first sees the node without a lease, deleted when the node is alive
 * again; node pruning uses it to tell how long a node has been gone.
 *
 * @param nodeId the node
 * @param sinceMs when the sweep first saw it stale, epoch milliseconds (accurate to one sweep
 *     interval)
 */
public record NodeStaleRecord(String nodeId, long sinceMs) {}
