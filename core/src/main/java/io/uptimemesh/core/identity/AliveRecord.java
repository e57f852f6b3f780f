package io.uptimemesh.core.identity;

/**
 * Present while a node is alive: attached to its etcd lease, it disappears when heartbeats stop for
 * longer than the lease TTL.
 *
 * @param nodeId the node
 * @param since when this lease was granted, epoch milliseconds
 */
public record AliveRecord(String nodeId, long since) {}
