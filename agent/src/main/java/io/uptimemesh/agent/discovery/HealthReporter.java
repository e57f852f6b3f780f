package io.uptimemesh.agent.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.json.Json;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends endpoint verdicts to the control plane ({@code POST /api/v1/nodes/{id}/endpoint-health},
 * signed over the exact body, which carries {@code node_id} and {@code sent_at_ms}). Verdicts
 * coalesce by endpoint: only the latest one per endpoint waits, so an endpoint flapping during an
 * outage costs one entry. At most one request is in flight. While the control plane is unreachable,
 * answers 409 (the node is not alive yet: no lease to attach the report to), 5xx, 401/403/404 or
 * 429, the reporter retries with backoff; the server's {@code ignored} reports (endpoint gone,
 * another revision) are dropped, not retried. Runs on the agent's context.
 */
public final class HealthReporter {
  private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final String nodeId;
  private final Clock clock;
  private final Backoff backoff;
  private final String path;
  private final Map<String, EndpointHealthReport.Report> pending = new LinkedHashMap<>();
  private boolean inFlight;
  private boolean stopped;
  private long retryTimer = -1;
  private long sent;
  private long ignored;
  private String lastRefusal = "";

  public HealthReporter(
      Vertx vertx, ControlPlaneClient client, String nodeId, Clock clock, Backoff backoff) {
    this.vertx = vertx;
    this.client = client;
    this.nodeId = nodeId;
    this.clock = clock;
    this.backoff = backoff;
    this.path = "/api/v1/nodes/" + nodeId + "/endpoint-health";
  }

  /** Queues a verdict, replacing any older one about the same endpoint, and sends soon. */
  public void offer(EndpointHealthReport.Report report) {
    if (stopped) {
      return;
    }
    pending.remove(report.endpointId());
    pending.put(report.endpointId(), report);
    sendNow();
  }

  /** Drops the waiting verdict about an endpoint no longer probed. */
  public void forget(String endpointId) {
    pending.remove(endpointId);
  }

  /** Sends what waits now rather than when the current backoff ends (the node is alive again). */
  public void retryNow() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    backoff.reset();
    sendNow();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    pending.clear();
  }

  /** How many verdicts wait. */
  public int pending() {
    return pending.size();
  }

  /** How many verdicts the control plane accepted (ignored ones included). */
  public long sent() {
    return sent;
  }

  /** How many verdicts the control plane listed as ignored. */
  public long ignored() {
    return ignored;
  }

  private void sendNow() {
    if (inFlight || stopped || retryTimer >= 0 || pending.isEmpty()) {
      return;
    }
    List<EndpointHealthReport.Report> batch =
        pending.values().stream().limit(EndpointHealthReport.MAX_REPORTS).toList();
    byte[] body;
    try {
      ObjectNode root = Json.mapper().createObjectNode();
      root.put("node_id", nodeId);
      root.put("sent_at_ms", clock.millis());
      ArrayNode reports = root.putArray("reports");
      for (EndpointHealthReport.Report r : batch) {
        reports.add(Json.mapper().valueToTree(r));
      }
      body = Json.mapper().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a health report", e);
    }
    inFlight = true;
    client.signed(HttpMethod.POST, path, body).onComplete(ar -> answered(ar, batch));
  }

  private void answered(
      AsyncResult<ControlPlaneClient.Response> ar, List<EndpointHealthReport.Report> batch) {
    inFlight = false;
    if (stopped) {
      return;
    }
    int status = ar.succeeded() ? ar.result().status() : 0;
    if (status == 200 || (status >= 400 && status < 500 && !retried(status))) {
      // A verdict that changed while this batch was in flight still waits.
      batch.forEach(r -> pending.remove(r.endpointId(), r));
      if (status == 200) {
        sent += batch.size();
        JsonNode ignoredList = readJson(ar.result().text()).path("ignored");
        ignored += ignoredList.size();
        ignoredList.forEach(
            i ->
                LOG.debug(
                    "control plane ignored the report about {}: {}",
                    i.path("endpoint_id").asText(),
                    i.path("reason").asText()));
        lastRefusal = "";
      } else {
        LOG.warn(
            "endpoint health report refused (HTTP {}), dropped: {}", status, ar.result().text());
      }
      backoff.reset();
      sendNow();
      return;
    }
    if (ar.succeeded() && !ar.result().text().equals(lastRefusal)) {
      lastRefusal = ar.result().text();
      LOG.info(
          "endpoint health report refused (HTTP {}), retrying: {}", status, ar.result().text());
    }
    retryTimer =
        vertx.setTimer(
            Math.max(1, backoff.next().toMillis()),
            id -> {
              retryTimer = -1;
              sendNow();
            });
  }

  /**
   * 409: not alive yet; 401/403: a certificate being renewed; 404: a core node without the route
   * yet (rolling upgrade) or not knowing the node yet; 429: slow down.
   */
  private static boolean retried(int status) {
    return status == 409 || status == 401 || status == 403 || status == 404 || status == 429;
  }

  private static JsonNode readJson(String text) {
    try {
      return Json.mapper().readTree(text.isEmpty() ? "{}" : text);
    } catch (IOException e) {
      return Json.mapper().createObjectNode();
    }
  }
}
