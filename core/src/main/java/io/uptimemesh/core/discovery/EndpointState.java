package io.uptimemesh.core.discovery;

/**
 * Whether an endpoint is published, and why. The one rule, shared by the zone data the control
 * plane sends and by every API view of endpoint health:
 *
 * <ol>
 *   <li>its node unknown, revoked or not alive (stale, dead: no liveness lease) → unhealthy, at
 *       once, whatever it last reported;
 *   <li>no report about this endpoint (this create revision) while the node is alive → unknown, not
 *       published (a new endpoint is unhealthy until its check has passed);
 *   <li>otherwise what the node's agent last reported.
 * </ol>
 *
 * @param health the verdict
 * @param reason for people, e.g. {@code node not alive}
 */
public record EndpointState(Health health, String reason) {
  /** The three verdicts; only {@link #HEALTHY} is published. */
  public enum Health {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN;

    /** Lower case, as the API and CLI show it. */
    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean published() {
    return health == Health.HEALTHY;
  }

  /**
   * @param nodeKnown a node record exists for the endpoint's node
   * @param nodeRevoked that node is revoked
   * @param nodeAlive that node's liveness key exists
   * @param endpointRevision the endpoint's create revision
   * @param report the stored report, or null
   */
  public static EndpointState of(
      boolean nodeKnown,
      boolean nodeRevoked,
      boolean nodeAlive,
      long endpointRevision,
      EndpointHealthRecord report) {
    if (!nodeKnown) {
      return new EndpointState(Health.UNHEALTHY, "node unknown");
    }
    if (nodeRevoked) {
      return new EndpointState(Health.UNHEALTHY, "node revoked");
    }
    if (!nodeAlive) {
      return new EndpointState(Health.UNHEALTHY, "node not alive");
    }
    if (report == null || report.endpointRevision() != endpointRevision) {
      return new EndpointState(Health.UNKNOWN, "no report yet");
    }
    if (report.healthy()) {
      return new EndpointState(Health.HEALTHY, "check passing");
    }
    return new EndpointState(
        Health.UNHEALTHY,
        report.detail().isEmpty() ? "check failing" : "check failing: " + report.detail());
  }
}
