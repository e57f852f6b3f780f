package io.uptimemesh.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.json.Json;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventRecordTest {
  private static final String ID = "1763800000123-0000-abcdef";

  private static EventRecord event(String name, String actor, Map<String, String> fields) {
    return EventRecord.of(ID, EventCategory.NODE, name, EventLevel.INFO, actor, fields);
  }

  @Test
  void takesItsTimeFromTheIdAndSerialisesInSnakeCase() throws Exception {
    EventRecord e = event("joined", "node:n1", Map.of("role", "worker", "node_id", "n1"));

    assertThat(e.timeMs()).isEqualTo(1763800000123L);
    JsonNode json = Json.mapper().valueToTree(e);
    assertThat(json.path("time_ms").asLong()).isEqualTo(1763800000123L);
    assertThat(json.path("category").asText()).isEqualTo("node");
    assertThat(json.path("level").asText()).isEqualTo("info");
    assertThat(Json.mapper().treeToValue(json, EventRecord.class)).isEqualTo(e);
  }

  @Test
  void refusesBadNamesActorsAndCategories() {
    assertThatThrownBy(() -> event("Joined", "x", Map.of())).hasMessageContaining("event name");
    assertThatThrownBy(() -> event("joined", "", Map.of())).hasMessageContaining("actor");
    assertThatThrownBy(() -> event("joined", "a\nb", Map.of())).hasMessageContaining("actor");
    assertThatThrownBy(
            () -> new EventRecord(ID, 1763800000123L, "weather", "x", "info", "a", Map.of()))
        .hasMessageContaining("category");
    assertThatThrownBy(
            () -> new EventRecord(ID, 1763800000123L, "node", "x", "fatal", "a", Map.of()))
        .hasMessageContaining("level");
    assertThatThrownBy(() -> new EventRecord(ID, 5, "node", "x", "info", "a", Map.of()))
        .hasMessageContaining("differs from its id");
  }

  @Test
  void boundsFieldsAndRefusesSecretLikeNames() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 17; i++) {
      many.put("f" + i, "v");
    }
    assertThatThrownBy(() -> event("x", "a", many)).hasMessageContaining("at most 16 fields");
    assertThatThrownBy(() -> event("x", "a", Map.of("note", "v".repeat(257))))
        .hasMessageContaining("at most 256");
    assertThatThrownBy(() -> event("x", "a", Map.of("Bad-Key", "v")))
        .hasMessageContaining("field name");
    for (String secret : new String[] {"password", "admin_password", "token", "ca_secret"}) {
      assertThatThrownBy(() -> event("x", "a", Map.of(secret, "v")))
          .as(secret)
          .hasMessageContaining("looks like a secret");
    }
    assertThat(event("x", "a", Map.of("token_id", "abc")).fields())
        .containsEntry("token_id", "abc");
  }
}
