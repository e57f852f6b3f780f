package io.uptimemesh.agent.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * One server-sent event.
 *
 * @param type the {@code event:} field, {@code message} when absent
 * @param data the {@code data:} lines joined with newlines
 * @param id the {@code id:} field, empty when absent
 */
public record SseEvent(String type, String data, String id) {
  /**
   * The revision of an {@code unchanged} event ({@code data: {"revision":R}}), the one shape the
   * desired-state and discovery streams share.
   *
   * @return empty if the data holds no revision
   */
  public OptionalLong revision() {
    try {
      JsonNode json = Json.mapper().readTree(data);
      return json.path("revision").canConvertToLong()
          ? OptionalLong.of(json.path("revision").asLong())
          : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }
}
