package io.uptimemesh.core.workload;

import java.util.Objects;

/**
 * Whether new replicas may go to a node ({@code node-scheduling/{id}}); absent means schedulable.
 *
 * @param schema {@value #SCHEMA}
 * @param nodeId the node
 * @param cordoned no new replicas; the ones it runs stay
 * @param draining its replicas are moved away (make-before-break); implies cordoned
 * @param sinceMs epoch milliseconds
 * @param by {@code user:<name>}
 */
public record NodeScheduling(
    int schema, String nodeId, boolean cordoned, boolean draining, long sinceMs, String by) {
  public static final int SCHEMA = 1;

  public NodeScheduling {
    Objects.requireNonNull(nodeId, "nodeId");
  }

  public boolean schedulable() {
    return !cordoned && !draining;
  }
}
