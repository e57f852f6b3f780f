package io.uptimemesh.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;

/**
 * Encodes stored values as JSON objects carrying a {@code schema_version} field, so a document
 * written by a newer release is recognised instead of silently misread.
 */
public final class ValueCodec {
  /** Field added to every stored document. */
  public static final String SCHEMA_FIELD = "schema_version";

  /** The schema this build writes and the newest it understands. */
  public static final int CURRENT_SCHEMA = 1;

  private final ObjectMapper mapper = Json.mapper();

  /** Serialises {@code value} (which must map to a JSON object) with the schema field. */
  public byte[] encode(Object value) {
    JsonNode tree = mapper.valueToTree(value);
    if (!(tree instanceof ObjectNode object)) {
      throw new IllegalArgumentException("stored values must be JSON objects: " + value.getClass());
    }
    ObjectNode out = mapper.createObjectNode();
    out.put(SCHEMA_FIELD, CURRENT_SCHEMA);
    object.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue()));
    try {
      return mapper.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decodes the document stored at {@code key}.
   *
   * @throws UptimeMeshException (internal) if the document is not JSON, lacks the schema field or
   *     was written by a newer schema than this build understands
   */
  public <T> T decode(String key, byte[] bytes, Class<T> type) {
    try {
      JsonNode tree = mapper.readTree(bytes);
      if (!(tree instanceof ObjectNode object) || !object.path(SCHEMA_FIELD).canConvertToInt()) {
        throw corrupt(key, "no " + SCHEMA_FIELD + " field", null);
      }
      int schema = object.get(SCHEMA_FIELD).asInt();
      if (schema > CURRENT_SCHEMA) {
        throw corrupt(key, "written by schema " + schema + ", newer than " + CURRENT_SCHEMA, null);
      }
      object.remove(SCHEMA_FIELD);
      return mapper.treeToValue(object, type);
    } catch (IOException e) {
      throw corrupt(key, "not valid JSON for " + type.getSimpleName(), e);
    }
  }

  private static UptimeMeshException corrupt(String key, String why, Throwable cause) {
    return new UptimeMeshException(
        ErrorCode.INTERNAL, "stored value at " + key + " is unreadable: " + why, cause);
  }
}
