package io.uptimemesh.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  @Test
  void serialisesToSnakeCaseJson() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("wg_peers", 3);
    status.put("load", 0.5);
    Heartbeat heartbeat = new Heartbeat("node-1", 7, 1_700_000_000_000L, status);

    assertThat(new String(heartbeat.toBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"node_id\":\"node-1\",\"seq\":7,\"sent_at_ms\":1700000000000,"
                + "\"status\":{\"load\":0.5,\"wg_peers\":3}}");
  }

  @Test
  void roundTrips() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("version", "0.1.0");
    status.put("peers", List.of("a", "b"));
    status.put("disk", Map.of("free_bytes", 123_456_789_012L));
    status.put("note", null);
    Heartbeat heartbeat = new Heartbeat("node-1", 0, 42, status);

    assertThat(Heartbeat.parse(heartbeat.toBytes())).isEqualTo(heartbeat);
  }

  @Test
  void parsesWhatAnotherClientWrote() {
    Heartbeat parsed =
        Heartbeat.parse(
            bytes(
                "{ \"status\": {\"up\": true}, \"seq\": 12, \"sent_at_ms\": 5,"
                    + " \"node_id\": \"n\", \"future_field\": [1] }"));

    assertThat(parsed).isEqualTo(new Heartbeat("n", 12, 5, Map.of("up", true)));
  }

  @Test
  void refusesAnythingOff() {
    assertMalformed(null);
    assertMalformed("");
    assertMalformed("not json");
    assertMalformed("[]");
    assertMalformed("\"node-1\"");
    assertMalformed("{\"seq\":1,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\" \",\"seq\":1,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":7,\"seq\":1,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":\"1\",\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1.5,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":-1,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed(
        "{\"node_id\":\"n\",\"seq\":99999999999999999999,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"sent_at_ms\":null,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"sent_at_ms\":1}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"sent_at_ms\":1,\"status\":[]}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"sent_at_ms\":1,\"status\":\"ok\"}");
    // Two parsers could disagree on which seq counts.
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"seq\":9,\"sent_at_ms\":1,\"status\":{}}");
    assertMalformed("{\"node_id\":\"n\",\"seq\":1,\"sent_at_ms\":1,\"status\":{}} {}");
  }

  @Test
  void constructorRefusesImpossibleValues() {
    assertThatThrownBy(() -> new Heartbeat(" ", 1, 1, Map.of()))
        .hasMessage("the heartbeat node_id is empty");
    assertThatThrownBy(() -> new Heartbeat("n", -1, 1, Map.of()))
        .hasMessage("the heartbeat seq and sent_at_ms must not be negative");
  }

  private static void assertMalformed(String body) {
    assertThatThrownBy(() -> Heartbeat.parse(body == null ? null : bytes(body)))
        .as(body)
        .isInstanceOfSatisfying(
            HeartbeatRejected.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
