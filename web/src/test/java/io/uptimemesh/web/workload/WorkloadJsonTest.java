package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A spec shown by the API applies again unchanged; a stored copy reads back as it was. */
class WorkloadJsonTest {
  private static WorkloadSpec parse(String json) throws Exception {
    return WorkloadSpec.parse(Json.mapper().readTree(json));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"image\":\"busybox\"}",
        "{\"image\":\"busybox\",\"replicas\":0,\"ports\":[{\"name\":\"dns\",\"port\":53,"
            + "\"protocol\":\"udp\"}]}",
        "{\"image\":\"alpine-3.20\",\"profiles\":[\"default\",\"big\"],"
            + "\"config\":{\"environment.mode\":\"prod\",\"boot.autostart\":\"true\"},"
            + "\"limits\":{\"cpu\":4,\"memory\":\"2GiB\"},\"replicas\":7,"
            + "\"node_selector\":{\"labels\":{\"zone\":\"b\"},\"roles\":[\"gateway\"]},"
            + "\"anti_affinity\":\"SOFT\","
            + "\"ports\":[{\"name\":\"http\",\"port\":80},{\"name\":\"admin\",\"port\":9000}],"
            + "\"health\":{\"port_name\":\"admin\",\"type\":\"http\",\"path\":\"/healthz\","
            + "\"interval_ms\":500,\"timeout_ms\":200,\"failure_threshold\":2,"
            + "\"success_threshold\":2},"
            + "\"rolling_update\":{\"max_unavailable\":0,\"max_surge\":2}}"
      })
  void theShownSpecParsesToTheSameSpec(String json) throws Exception {
    WorkloadSpec spec = parse(json);
    JsonObject shown = WorkloadJson.spec(spec);
    assertThat(WorkloadSpec.parse(Json.mapper().readTree(shown.encode()))).isEqualTo(spec);
  }

  @Test
  void aStoredCopyKeepsItsSpecAndHistoryAndReadsAsAPlainSpec() throws Exception {
    WorkloadSpec spec =
        parse(
            "{\"image\":\"busybox\",\"replicas\":3,\"ports\":[{\"name\":\"http\",\"port\":8080}],"
                + "\"health\":{\"type\":\"http\",\"path\":\"/ok\"}}");
    ServiceGenerations.Copy copy =
        new ServiceGenerations.Copy("web", 12, 1700000000000L, "user:admin", 9, spec);
    var doc = ServiceGenerations.document(copy);
    assertThat(ServiceGenerations.read(doc)).isEqualTo(copy);
    // The ADR's table says the key holds a WorkloadSpec: it still decodes as one.
    assertThat(Json.mapper().treeToValue(doc, WorkloadSpec.class)).isEqualTo(spec);
    assertThat(doc.path("generation").asLong()).isEqualTo(12);
  }
}
