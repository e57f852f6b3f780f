package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshPathsTest {
  @Test
  void everyReportedLinkIsListedFromItsReporterWithOnlyTheKnownFields() {
    Map<String, Object> path = new LinkedHashMap<>();
    path.put("peer", "n2");
    path.put("active", "secondary");
    path.put("primary", Map.of("state", "down", "handshake", "stale", "handshake_at", "T1"));
    path.put("secondary", Map.of("state", "up", "handshake", "fresh", "extra", "dropped"));
    path.put("failovers", 1);
    path.put("failbacks", 0);
    path.put("last_switch", "T2");
    Map<String, Object> status = Map.of("wireguard", Map.of("paths", List.of(path)));

    JsonObject json =
        MeshPaths.json(
            List.of(
                new MeshPaths.Node("n1", "one", "10.200.0.1", "alive", status),
                new MeshPaths.Node("n2", "two", "10.200.0.2", "stale", null)));

    assertThat(json.getJsonArray("nodes").getJsonObject(0).getBoolean("reported")).isTrue();
    assertThat(json.getJsonArray("nodes").getJsonObject(1).getBoolean("reported")).isFalse();
    assertThat(json.getJsonArray("nodes").getJsonObject(1).getString("state")).isEqualTo("stale");
    assertThat(json.getJsonArray("links")).hasSize(1);
    JsonObject link = json.getJsonArray("links").getJsonObject(0);
    assertThat(link.getString("from")).isEqualTo("n1");
    assertThat(link.getString("to")).isEqualTo("n2");
    assertThat(link.getString("active")).isEqualTo("secondary");
    assertThat(link.getJsonObject("primary").getMap())
        .isEqualTo(Map.of("state", "down", "handshake", "stale", "handshake_at", "T1"));
    assertThat(link.getJsonObject("secondary").getMap())
        .isEqualTo(Map.of("state", "up", "handshake", "fresh"));
    assertThat(link.getInteger("failovers")).isEqualTo(1);
  }
}
