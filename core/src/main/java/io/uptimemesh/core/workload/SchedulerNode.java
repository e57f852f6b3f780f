package io.uptimemesh.core.workload;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A node as the scheduler sees it: its identity ({@code nodes/{id}}), liveness ({@code alive/},
 * {@code node-stale/}) and scheduling state ({@code node-scheduling/{id}}).
 *
 * @param id the node id
 * @param role worker, core or gateway
 * @param labels its labels
 * @param alive its liveness lease exists
 * @param revoked revoked: its replicas are removed at once
 * @param staleSinceMs when the stale sweep first saw it without a lease, or null: not alive without
 *     a stale record means it went stale less than one sweep ago, so it is not rescheduled yet
 * @param scheduling cordoned/draining, or null (schedulable)
 * @param meshIp its mesh address (where its replicas' ports listen); a node without one takes no
 *     replicas
 */
public record SchedulerNode(
    String id,
    String role,
    Map<String, String> labels,
    boolean alive,
    boolean revoked,
    Long staleSinceMs,
    NodeScheduling scheduling,
    String meshIp) {
  public SchedulerNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** True if a new replica of a service with this spec may be placed here. */
  public boolean eligibleFor(WorkloadSpec spec) {
    // Without a mesh address there is nothing for the replica's ports to listen on.
    return alive
        && !revoked
        && meshIp != null
        && !meshIp.isBlank()
        && (scheduling == null || scheduling.schedulable())
        && spec.nodeSelector().matches(labels, role);
  }

  /**
   * Why a replica of this spec running here must move to another node (make-before-break), or empty
   * when it may stay. Cordoned nodes keep their replicas; a node stale for less than the grace
   * period keeps them too (if it comes back first, nothing moves). A revoked node's replicas are
   * not moved but removed at once (they serve nothing), so revocation is not a reason here.
   */
  public Optional<String> evacuationReason(WorkloadSpec spec, long nowMs, long graceMs) {
    if (!alive && staleSinceMs != null && nowMs - staleSinceMs > graceMs) {
      // No elapsed time in the text: a note that holds must read the same on every run, or the
      // scheduler records it again each time (an event every interval).
      return Optional.of("node " + id + " stale longer than the grace of " + graceMs / 1000 + " s");
    }
    if (scheduling != null && scheduling.draining()) {
      return Optional.of("node " + id + " is draining");
    }
    if (!spec.nodeSelector().matches(labels, role)) {
      return Optional.of("node " + id + " no longer matches the node selector");
    }
    return Optional.empty();
  }
}
