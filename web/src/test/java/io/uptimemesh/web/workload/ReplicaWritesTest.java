package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.WorkloadSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaWritesTest {
  private static WorkloadSpec spec(String json) throws Exception {
    return WorkloadSpec.parse(Json.mapper().readTree(json));
  }

  @Test
  void theHealthPortGetsTheSpecsCheckAndTheOthersATcpOrNoneCheckAtItsPace() throws Exception {
    WorkloadSpec spec =
        spec(
            "{\"image\":\"busybox\",\"replicas\":1,\"ports\":["
                + "{\"name\":\"dns\",\"port\":53,\"protocol\":\"udp\"},"
                + "{\"name\":\"http\",\"port\":8080},"
                + "{\"name\":\"metrics\",\"port\":9100}],"
                + "\"health\":{\"port_name\":\"http\",\"type\":\"http\",\"path\":\"/ok\","
                + "\"interval_ms\":700,\"failure_threshold\":5}}");
    ReplicaRecord r =
        new ReplicaRecord(
            1,
            "web-00001",
            "web",
            "n1",
            3,
            Map.of("dns", 53, "http", 8081, "metrics", 9100),
            null,
            10);

    List<EndpointRecord> endpoints = ReplicaWrites.endpoints(r, spec, "10.42.0.7", 20, "system");

    assertThat(endpoints)
        .extracting(EndpointRecord::id)
        .containsExactly("web-00001-dns", "web-00001-http", "web-00001-metrics");
    assertThat(endpoints)
        .allSatisfy(
            e -> {
              assertThat(e.service()).isEqualTo("web");
              assertThat(e.nodeId()).isEqualTo("n1");
              assertThat(e.address()).isEqualTo("10.42.0.7");
              assertThat(e.check().intervalMs()).isEqualTo(700);
              assertThat(e.check().failureThreshold()).isEqualTo(5);
              assertThat(e.createdBy()).isEqualTo("system");
            });
    EndpointRecord dns = endpoints.get(0);
    assertThat(dns.protocol()).isEqualTo("udp");
    assertThat(dns.check().type()).isEqualTo("none");
    EndpointRecord http = endpoints.get(1);
    assertThat(http.port()).as("the host port, not the container's").isEqualTo(8081);
    assertThat(http.check().type()).isEqualTo("http");
    assertThat(http.check().path()).isEqualTo("/ok");
    EndpointRecord metrics = endpoints.get(2);
    assertThat(metrics.check().type()).isEqualTo("tcp");
    assertThat(metrics.check().path()).isNull();
  }

  @Test
  void aReplicaWithoutPortsHasNoEndpoints() throws Exception {
    WorkloadSpec spec = spec("{\"image\":\"busybox\",\"replicas\":1}");
    ReplicaRecord r = new ReplicaRecord(1, "job-00001", "job", "n1", 1, Map.of(), null, 10);
    assertThat(ReplicaWrites.endpoints(r, spec, "10.42.0.7", 20, "system")).isEmpty();
  }
}
