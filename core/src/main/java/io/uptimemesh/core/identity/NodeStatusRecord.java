package io.uptimemesh.core.identity;

import java.util.Map;

/**
 * What a node last reported, written only when the reported status changed (heartbeats that change
 * nothing only renew the lease).
 *
 * @param nodeId the node
 * @param seq the sequence number of the heartbeat that wrote it
 * @param status the reported status object
 * @param reportedAtMs when that heartbeat was sent, epoch milliseconds
 */
public record NodeStatusRecord(
    String nodeId, long seq, Map<String, Object> status, long reportedAtMs) {}
