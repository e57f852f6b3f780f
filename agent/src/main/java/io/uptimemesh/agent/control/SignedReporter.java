package io.uptimemesh.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.json.Json;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an agent's reports about things it holds (endpoint verdicts, replica statuses) to a
 * node-signed route ({@code POST /api/v1/nodes/{id}/...}, signed over the exact body, which carries
 * {@code node_id}, {@code sent_at_ms} and the list). Reports coalesce by key: only the latest one
 * per key waits, so a thing flapping during an outage costs one entry. At most one request is in
 * flight. While the control plane is unreachable, answers 409 (the node is not alive yet: no lease
 * to attach the report to), 5xx, 401/403/404 or 429, the reporter retries with backoff; reports the
 * server lists as {@code ignored} are dropped, not retried. Runs on the agent's context.
 *
 * @param <T> the report type, written with the shared JSON mapper
 */
public final class SignedReporter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(SignedReporter.class);

  /**
   * What is reported and where.
   *
   * @param what for log lines, e.g. "endpoint health report"
   * @param path the route
   * @param listField the body's list, e.g. {@code reports}
   * @param idField the key field of an {@code ignored} entry, e.g. {@code endpoint_id}
   * @param maxPerRequest how many reports one request carries at most
   * @param key a report's key: a newer report with the same key replaces it
   */
  public record Route<T>(
      String what,
      String path,
      String listField,
      String idField,
      int maxPerRequest,
      Function<T, String> key) {}

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final String nodeId;
  private final Clock clock;
  private final Backoff backoff;
  private final Route<T> route;
  private final Map<String, T> pending = new LinkedHashMap<>();
  private boolean inFlight;
  private boolean stopped;
  private long retryTimer = -1;
  private long sent;
  private long ignored;
  private String lastRefusal = "";

  public SignedReporter(
      Vertx vertx,
      ControlPlaneClient client,
      String nodeId,
      Clock clock,
      Backoff backoff,
      Route<T> route) {
    this.vertx = vertx;
    this.client = client;
    this.nodeId = nodeId;
    this.clock = clock;
    this.backoff = backoff;
    this.route = route;
  }

  /** Queues a report, replacing any older one with the same key, and sends soon. */
  public void offer(T report) {
    if (stopped) {
      return;
    }
    String key = route.key().apply(report);
    pending.remove(key);
    pending.put(key, report);
    sendNow();
  }

  /** Drops the waiting report with this key (its subject is gone). */
  public void forget(String key) {
    pending.remove(key);
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

  /** How many reports wait. */
  public int pending() {
    return pending.size();
  }

  /** How many reports the control plane accepted (ignored ones included). */
  public long sent() {
    return sent;
  }

  /** How many reports the control plane listed as ignored. */
  public long ignored() {
    return ignored;
  }

  private void sendNow() {
    if (inFlight || stopped || retryTimer >= 0 || pending.isEmpty()) {
      return;
    }
    List<T> batch = pending.values().stream().limit(route.maxPerRequest()).toList();
    byte[] body;
    try {
      ObjectNode root = Json.mapper().createObjectNode();
      root.put("node_id", nodeId);
      root.put("sent_at_ms", clock.millis());
      ArrayNode list = root.putArray(route.listField());
      for (T r : batch) {
        list.add(Json.mapper().valueToTree(r));
      }
      body = Json.mapper().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a " + route.what(), e);
    }
    inFlight = true;
    client.signed(HttpMethod.POST, route.path(), body).onComplete(ar -> answered(ar, batch));
  }

  private void answered(AsyncResult<ControlPlaneClient.Response> ar, List<T> batch) {
    inFlight = false;
    if (stopped) {
      return;
    }
    int status = ar.succeeded() ? ar.result().status() : 0;
    if (status == 200 || (status >= 400 && status < 500 && !retried(status))) {
      // A report that changed while this batch was in flight still waits.
      batch.forEach(r -> pending.remove(route.key().apply(r), r));
      if (status == 200) {
        sent += batch.size();
        JsonNode ignoredList = readJson(ar.result().text()).path("ignored");
        ignored += ignoredList.size();
        ignoredList.forEach(
            i ->
                LOG.debug(
                    "control plane ignored the {} about {}: {}",
                    route.what(),
                    i.path(route.idField()).asText(),
                    i.path("reason").asText()));
        lastRefusal = "";
      } else {
        LOG.warn("{} refused (HTTP {}), dropped: {}", route.what(), status, ar.result().text());
      }
      backoff.reset();
      sendNow();
      return;
    }
    if (ar.succeeded() && !ar.result().text().equals(lastRefusal)) {
      lastRefusal = ar.result().text();
      LOG.info("{} refused (HTTP {}), retrying: {}", route.what(), status, ar.result().text());
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
