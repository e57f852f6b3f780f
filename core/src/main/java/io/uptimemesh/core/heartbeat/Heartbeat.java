package io.uptimemesh.core.heartbeat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a node sends periodically. JSON (snake_case): {@code {"node_id": "...", "seq": 7,
 * "sent_at_ms": 1700000000000, "status": {...}}}. Unknown top-level fields are ignored, so a newer
 * agent can talk to an older server.
 *
 * @param nodeId the sending node
 * @param seq a counter the node increases with every heartbeat, at least 0
 * @param sentAtMs the node's clock when it sent, epoch milliseconds, at least 0
 * @param status free-form status the node reports
 */
public record Heartbeat(String nodeId, long seq, long sentAtMs, Map<String, Object> status) {

  private static final TypeReference<LinkedHashMap<String, Object>> STATUS_TYPE =
      new TypeReference<>() {};

  /**
   * Duplicate keys are refused: with {@code "seq"} twice, two parsers could read two different
   * heartbeats from the same signed bytes. Trailing bytes after the object are refused too.
   */
  private static final ObjectReader STRICT_READER =
      Json.mapper()
          .reader()
          .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * Checks and copies the parts.
   *
   * @throws UptimeMeshException (invalid) if nodeId is blank or seq or sentAtMs is negative
   */
  public Heartbeat {
    Objects.requireNonNull(status, "status");
    if (nodeId == null || nodeId.isBlank()) {
      throw UptimeMeshException.invalid("the heartbeat node_id is empty");
    }
    if (seq < 0 || sentAtMs < 0) {
      throw UptimeMeshException.invalid("the heartbeat seq and sent_at_ms must not be negative");
    }
    // Status values may be JSON null, which Map.copyOf refuses.
    status = Collections.unmodifiableMap(new LinkedHashMap<>(status));
  }

  /**
   * Serialises the heartbeat, the bytes a node signs and sends.
   *
   * @return UTF-8 JSON with fields node_id, seq, sent_at_ms, status
   */
  public byte[] toBytes() {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("node_id", nodeId);
    root.put("seq", seq);
    root.put("sent_at_ms", sentAtMs);
    try {
      root.set("status", Json.mapper().valueToTree(status));
      return Json.mapper().writeValueAsBytes(root);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw UptimeMeshException.invalid("the heartbeat status cannot be serialised as JSON");
    }
  }

  /**
   * Parses a heartbeat body exactly as received.
   *
   * @param body the request body
   * @return the heartbeat
   * @throws HeartbeatRejected ({@link RejectReason#MALFORMED}) if the body is not one JSON object
   *     with a non-blank string node_id, integer seq and sent_at_ms of at least 0, and an object
   *     status
   */
  public static Heartbeat parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw malformed("the heartbeat body is empty");
    }
    JsonNode root;
    try {
      root = STRICT_READER.readTree(body);
    } catch (IOException e) {
      throw malformed("the heartbeat body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw malformed("the heartbeat body is not a JSON object");
    }
    JsonNode nodeId = root.get("node_id");
    if (nodeId == null || !nodeId.isTextual() || nodeId.textValue().isBlank()) {
      throw malformed("the heartbeat node_id is missing or not a non-empty string");
    }
    long seq = nonNegativeLong(root, "seq");
    long sentAtMs = nonNegativeLong(root, "sent_at_ms");
    JsonNode status = root.get("status");
    if (status == null || !status.isObject()) {
      throw malformed("the heartbeat status is missing or not an object");
    }
    return new Heartbeat(
        nodeId.textValue(), seq, sentAtMs, Json.mapper().convertValue(status, STATUS_TYPE));
  }

  private static long nonNegativeLong(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null
        || !value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.longValue() < 0) {
      throw malformed("the heartbeat " + field + " is missing or not a non-negative integer");
    }
    return value.longValue();
  }

  private static HeartbeatRejected malformed(String message) {
    return new HeartbeatRejected(RejectReason.MALFORMED, message);
  }
}
