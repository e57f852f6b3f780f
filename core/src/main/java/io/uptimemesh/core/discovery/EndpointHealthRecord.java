package io.uptimemesh.core.discovery;

import java.util.Objects;

/**
 * The health of an endpoint as its node's agent last reported it ({@code endpoint-health/{id}}).
 * Written on transitions only, attached to the node's liveness lease: when the node goes stale the
 * lease ends and etcd deletes every report with it, so a node that comes back starts from "not
 * reported" rather than from what it said before it went away.
 *
 * @param schema {@value #SCHEMA}
 * @param endpointId the endpoint
 * @param nodeId the reporting node (the endpoint's node)
 * @param endpointRevision the endpoint's create revision the report is about; a report about an
 *     endpoint deleted and created again under the same id does not count for the new one
 * @param healthy the verdict
 * @param detail why, for people: the last failure, or empty
 * @param changedAtMs when the agent saw the transition, epoch milliseconds (agent clock)
 * @param reportedAtMs when the control plane stored it, epoch milliseconds
 */
public record EndpointHealthRecord(
    int schema,
    String endpointId,
    String nodeId,
    long endpointRevision,
    boolean healthy,
    String detail,
    long changedAtMs,
    long reportedAtMs) {
  public static final int SCHEMA = 1;

  public EndpointHealthRecord {
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(nodeId, "nodeId");
    detail = detail == null ? "" : detail;
  }
}
