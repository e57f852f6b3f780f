package io.uptimemesh.agent.wg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.core.config.AgentSettings.HostPort;
import io.uptimemesh.core.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the node's public keys and underlay endpoints ({@code PUT /api/v1/nodes/{id}/wireguard})
 * and retries with backoff until a core node accepts them. The server treats a repeat as a no-op,
 * so registering at every start is safe. Runs on the agent's context.
 */
public final class KeyRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRegistration.class);

  /** The server's answer to an accepted registration. */
  public record Registered(long generation, long revision) {}

  /** The server has a higher generation than ours (409): our key files were lost or replaced. */
  public static final class GenerationBehind extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long stored;

    GenerationBehind(long stored, String body) {
      super("the control plane holds a newer key generation: " + body, null, false, false);
      this.stored = stored;
    }

    /** The server's generation if it said, else -1. */
    public long stored() {
      return stored;
    }
  }

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final String nodeId;
  private final Clock clock;
  private boolean stopped;

  public KeyRegistration(Vertx vertx, ControlPlaneClient client, String nodeId, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.nodeId = nodeId;
    this.clock = clock;
  }

  public void stop() {
    stopped = true;
  }

  /**
   * Registers until accepted. Fails only with {@link GenerationBehind}, or when stopped.
   *
   * @param secondaryEndpoint empty: this node has no secondary path
   */
  public Future<Registered> register(
      WgKeyFiles.Keys keys, HostPort primaryEndpoint, Optional<HostPort> secondaryEndpoint) {
    Promise<Registered> result = Promise.promise();
    attempt(keys, primaryEndpoint, secondaryEndpoint, Backoff.standard(), result);
    return result.future();
  }

  private void attempt(
      WgKeyFiles.Keys keys,
      HostPort primary,
      Optional<HostPort> secondary,
      Backoff backoff,
      Promise<Registered> result) {
    if (stopped) {
      result.tryFail("stopped");
      return;
    }
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("node_id", nodeId);
    body.put("sent_at_ms", clock.millis());
    body.put("key_generation", keys.generation());
    body.put("primary_public_key", keys.primary().publicKey().base64());
    body.put("primary_endpoint", primary.toString());
    secondary.ifPresent(
        s -> {
          body.put("secondary_public_key", keys.secondary().publicKey().base64());
          body.put("secondary_endpoint", s.toString());
        });
    byte[] bytes;
    try {
      bytes = Json.mapper().writeValueAsBytes(body);
    } catch (java.io.IOException e) {
      result.fail(e);
      return;
    }
    client
        .signed(HttpMethod.PUT, "/api/v1/nodes/" + nodeId + "/wireguard", bytes)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().status() == 200) {
                JsonNode json = readJson(ar.result().text());
                LOG.info(
                    "WireGuard keys of generation {} registered (primary {})",
                    keys.generation(),
                    keys.primary().publicKey());
                result.complete(
                    new Registered(
                        json.path("key_generation").asLong(keys.generation()),
                        json.path("revision").asLong()));
                return;
              }
              if (ar.succeeded() && ar.result().status() == 409) {
                JsonNode json = readJson(ar.result().text());
                result.fail(
                    new GenerationBehind(
                        json.path("key_generation").asLong(-1), ar.result().text()));
                return;
              }
              if (ar.succeeded()) {
                LOG.warn(
                    "WireGuard key registration refused (HTTP {}): {}",
                    ar.result().status(),
                    ar.result().text());
              }
              vertx.setTimer(
                  Math.max(1, backoff.next().toMillis()),
                  id -> attempt(keys, primary, secondary, backoff, result));
            });
  }

  private static JsonNode readJson(String text) {
    try {
      return Json.mapper().readTree(text.isEmpty() ? "{}" : text);
    } catch (java.io.IOException e) {
      return Json.mapper().createObjectNode();
    }
  }
}
