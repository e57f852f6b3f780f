package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

/** ServiceRecord as stored: documents from before workloads, and the workload round trip. */
class ServiceRecordTest {
  private static WorkloadSpec spec(String json) throws Exception {
    return WorkloadSpec.parse(Json.mapper().readTree(json));
  }

  @Test
  void aDocumentWrittenBeforeWorkloadsReadsAsDiscoveryOnly() throws Exception {
    ServiceRecord old =
        Json.mapper()
            .readValue(
                "{\"schema\":1,\"name\":\"web\",\"description\":\"d\",\"created_at_ms\":5,"
                    + "\"created_by\":\"user:admin\"}",
                ServiceRecord.class);
    assertThat(old.workload()).isNull();
    assertThat(old.generation()).isZero();
    assertThat(old.hasWorkload()).isFalse();
    assertThat(old.name()).isEqualTo("web");
  }

  @Test
  void aWorkloadSurvivesTheStoredFormAndCarriesItsGeneration() throws Exception {
    WorkloadSpec spec =
        spec(
            "{\"image\":\"busybox\",\"replicas\":3,\"anti_affinity\":\"soft\","
                + "\"config\":{\"environment.mode\":\"prod\"},"
                + "\"limits\":{\"cpu\":2,\"memory\":\"256MiB\"},"
                + "\"node_selector\":{\"labels\":{\"zone\":\"a\"},\"roles\":[\"worker\",\"core\"]},"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080},"
                + "{\"name\":\"dns\",\"port\":53,\"protocol\":\"udp\"}],"
                + "\"health\":{\"port_name\":\"http\",\"type\":\"http\",\"path\":\"/ok\"},"
                + "\"rolling_update\":{\"max_unavailable\":0,\"max_surge\":1}}");
    ServiceRecord s = ServiceRecord.validated("web", null, 1, "user:admin").withWorkload(spec, 4);
    String stored = Json.mapper().writeValueAsString(s);
    ServiceRecord back = Json.mapper().readValue(stored, ServiceRecord.class);
    assertThat(back).isEqualTo(s);
    assertThat(back.generation()).isEqualTo(4);
    assertThat(back.workload().health().check().path()).isEqualTo("/ok");
    assertThat(stored).contains("\"generation\":4", "\"workload\":{");
  }

  @Test
  void withoutAWorkloadTheGenerationIsZero() {
    ServiceRecord s = new ServiceRecord(1, "web", "", 1, "user:a", null, 7);
    assertThat(s.generation()).isZero();
    assertThatThrownBy(
            () ->
                ServiceRecord.validated("web", null, 1, "user:a")
                    .withWorkload(spec("{\"image\":\"busybox\"}"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWorkloadNeedsANameShortEnoughForItsContainersAndADiscoveryOnlyServiceDoesNot()
      throws Exception {
    WorkloadSpec spec = spec("{\"image\":\"busybox\"}");
    String longest = "a".repeat(ServiceRecord.MAX_WORKLOAD_NAME);
    String tooLong = longest + "b";
    assertThat(ServiceRecord.validated(longest, null, 1, "user:admin").withWorkload(spec, 1).name())
        .isEqualTo(longest);
    // 52 + "-" + 5 hex + "-prev" = 63, LXD's limit.
    assertThat((longest + "-01234-prev").length()).isEqualTo(63);
    ServiceRecord plain = ServiceRecord.validated(tooLong, null, 1, "user:admin");
    assertThatThrownBy(() -> plain.withWorkload(spec, 1))
        .isInstanceOf(io.uptimemesh.core.error.UptimeMeshException.class)
        .hasMessageContaining("name: a service with a workload has a name of at most 52");
  }
}
