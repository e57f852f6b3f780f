package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.control.SignedReporter;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * Sends endpoint verdicts to the control plane ({@code POST /api/v1/nodes/{id}/endpoint-health})
 * with a {@link SignedReporter}: coalesced by endpoint, one request in flight, retried with backoff
 * while the node is not alive or the control plane unreachable, ignored verdicts dropped. Runs on
 * the agent's context.
 */
public final class HealthReporter {
  private final SignedReporter<EndpointHealthReport.Report> reporter;

  public HealthReporter(
      Vertx vertx, ControlPlaneClient client, String nodeId, Clock clock, Backoff backoff) {
    this.reporter =
        new SignedReporter<>(
            vertx,
            client,
            nodeId,
            clock,
            backoff,
            new SignedReporter.Route<>(
                "endpoint health report",
                "/api/v1/nodes/" + nodeId + "/endpoint-health",
                "reports",
                "endpoint_id",
                EndpointHealthReport.MAX_REPORTS,
                EndpointHealthReport.Report::endpointId));
  }

  /** Queues a verdict, replacing any older one about the same endpoint, and sends soon. */
  public void offer(EndpointHealthReport.Report report) {
    reporter.offer(report);
  }

  /** Drops the waiting verdict about an endpoint no longer probed. */
  public void forget(String endpointId) {
    reporter.forget(endpointId);
  }

  /** Sends what waits now rather than when the current backoff ends (the node is alive again). */
  public void retryNow() {
    reporter.retryNow();
  }

  public void stop() {
    reporter.stop();
  }

  /** How many verdicts wait. */
  public int pending() {
    return reporter.pending();
  }

  /** How many verdicts the control plane accepted (ignored ones included). */
  public long sent() {
    return reporter.sent();
  }

  /** How many verdicts the control plane listed as ignored. */
  public long ignored() {
    return reporter.ignored();
  }
}
